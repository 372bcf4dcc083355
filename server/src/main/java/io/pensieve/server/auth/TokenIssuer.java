package io.pensieve.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/**
 * Signs the tokens {@code /login} hands out, with {@code sub}, {@code roles}, {@code iat} and
 * {@code exp}.
 */
public final class TokenIssuer {
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;
  private final Duration ttl;
  private final Clock clock;

  private TokenIssuer(JWSAlgorithm algorithm, JWSSigner signer, Duration ttl, Clock clock) {
    this.algorithm = algorithm;
    this.signer = signer;
    this.ttl = ttl;
    this.clock = clock;
  }

  public static TokenIssuer hs256(byte[] secret, Duration ttl, Clock clock) {
    try {
      return new TokenIssuer(JWSAlgorithm.HS256, new MACSigner(secret), ttl, clock);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage());
    }
  }

  public static TokenIssuer rs256(RSAPrivateKey privateKey, Duration ttl, Clock clock) {
    return new TokenIssuer(JWSAlgorithm.RS256, new RSASSASigner(privateKey), ttl, clock);
  }

  /** A token and the time it stops being accepted. */
  public record IssuedToken(String token, Instant expiresAt) {}

  public IssuedToken issue(String subject, Set<Role> roles) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(ttl);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(subject)
        .claim(TokenVerifier.ROLES_CLAIM, roles.stream().sorted().map(Role::claimName).toList())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(expiresAt))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return new IssuedToken(jwt.serialize(), expiresAt);
  }
}
