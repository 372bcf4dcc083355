package io.pensieve.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/**
 * Signs Pensieve tokens (see {@link TokenClaims}): the node's {@code /login} and {@code pvctl
 * token create} both sign with this, so a token either makes is the same token. HS256 with a
 * shared secret, or RS256 with an RSA private key, each read by {@link KeyFiles}' rules.
 */
public final class TokenSigner {
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;

  private TokenSigner(JWSAlgorithm algorithm, JWSSigner signer) {
    this.algorithm = algorithm;
    this.signer = signer;
  }

  /** A token and the time it stops being accepted. */
  public record SignedToken(String token, Instant expiresAt) {}

  /** @throws IllegalArgumentException when the secret is too short to sign with */
  public static TokenSigner hs256(byte[] secret) {
    try {
      return new TokenSigner(JWSAlgorithm.HS256, new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage());
    }
  }

  public static TokenSigner rs256(RSAPrivateKey privateKey) {
    return new TokenSigner(JWSAlgorithm.RS256, new RSASSASigner(privateKey));
  }

  /** HS256 with the secret in {@code file} (see {@link KeyFiles#secret}). */
  public static TokenSigner secretFile(Path file) {
    return hs256(KeyFiles.secret(file));
  }

  /** RS256 with the PEM PKCS#8 private key in {@code file} (see {@link KeyFiles#privateKey}). */
  public static TokenSigner privateKeyFile(Path file) {
    return rs256(KeyFiles.privateKey(file));
  }

  /** HS256 or RS256. */
  public String algorithm() {
    return algorithm.getName();
  }

  /**
   * A token naming {@code subject} with {@code roles}, issued at {@code now} (to the second) and
   * valid for {@code lifetime}.
   */
  public SignedToken sign(String subject, Set<Role> roles, Instant now, Duration lifetime) {
    Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = issuedAt.plus(lifetime);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(subject)
        .claim(TokenClaims.ROLES, Role.claimNames(roles))
        .issueTime(Date.from(issuedAt))
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
    return new SignedToken(jwt.serialize(), expiresAt);
  }
}
