package io.pensieve.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.pensieve.api.auth.Role;
import io.pensieve.api.auth.TokenClaims;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.kv.KvException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a JWT with the node's one key and algorithm and returns who it names. Only that
 * algorithm is accepted: an unsigned token ({@code alg: none}), or an HS256 token on an RS256
 * node (signed with the public key as an HMAC secret: the classic key-confusion attack), is
 * refused before any signature is computed. {@code exp} and {@code sub} are required; {@code
 * exp} and {@code nbf} are checked with {@link #CLOCK_SKEW} of tolerance for clocks that
 * disagree between the issuer and this node.
 *
 * <p>A token that verified is remembered (by its exact text, up to {@link #MAX_REMEMBERED}), so
 * that a client sending the same token with every request costs a lookup and a time check,
 * not a signature check: measured, verifying each request halved the rate of stale reads.
 */
public final class TokenVerifier {
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
  /** Enough for every client of a busy node; when full it is emptied and refilled. */
  static final int MAX_REMEMBERED = 10_000;

  private final JWSAlgorithm algorithm;
  private final DefaultJWTProcessor<SecurityContext> processor;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /** A token that verified, and the times between which it may be used. */
  private record Verified(Principal principal, Instant notBefore, Instant expiresAt) {}

  private TokenVerifier(JWSAlgorithm algorithm, JWKSource<SecurityContext> keys, Clock clock) {
    this.algorithm = algorithm;
    this.clock = clock;
    DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
    jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm, keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
        new JWTClaimsSet.Builder().build(), TokenClaims.REQUIRED) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    };
    claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
    jwt.setJWTClaimsSetVerifier(claims);
    this.processor = jwt;
  }

  public static TokenVerifier hs256(byte[] secret) {
    return hs256(secret, Clock.systemUTC());
  }

  public static TokenVerifier hs256(byte[] secret, Clock clock) {
    return new TokenVerifier(JWSAlgorithm.HS256, new ImmutableSecret<>(secret), clock);
  }

  public static TokenVerifier rs256(RSAPublicKey publicKey) {
    return new TokenVerifier(JWSAlgorithm.RS256,
        new ImmutableJWKSet<>(new JWKSet(new RSAKey.Builder(publicKey).build())),
        Clock.systemUTC());
  }

  /** HS256 or RS256. */
  public String algorithm() {
    return algorithm.getName();
  }

  /**
   * The subject and roles of a valid token.
   *
   * @throws KvException {@link ErrorCode#ERROR_CODE_UNAUTHENTICATED}, saying why, when it is not
   *     valid
   */
  public Principal verify(String token) {
    Verified known = verified.get(token);
    if (known != null) {
      Instant now = clock.instant();
      if (!now.isBefore(known.notBefore()) && now.isBefore(known.expiresAt())) {
        return known.principal();
      }
      verified.remove(token); // checked in full below, which says why it is refused
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw invalid("not a JWT (" + e.getMessage() + ")");
    } catch (BadJOSEException e) {
      throw invalid(reason(e));
    } catch (JOSEException e) {
      throw invalid("cannot verify it (" + e.getMessage() + ")");
    }
    Principal principal = new Principal(claims.getSubject(), roles(claims));
    remember(token, principal, claims);
    return principal;
  }

  private void remember(String token, Principal principal, JWTClaimsSet claims) {
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear();
    }
    Instant notBefore = claims.getNotBeforeTime() == null ? Instant.MIN
        : claims.getNotBeforeTime().toInstant().minus(CLOCK_SKEW);
    verified.put(token, new Verified(principal, notBefore,
        claims.getExpirationTime().toInstant().plus(CLOCK_SKEW)));
  }

  private String reason(BadJOSEException e) {
    String message = e.getMessage();
    if (message.contains("Another algorithm expected")) {
      return "wrong algorithm or key; this node accepts " + algorithm.getName() + " tokens only";
    }
    if (message.contains("Unsecured")) {
      return "unsigned (alg none); this node accepts " + algorithm.getName() + " tokens only";
    }
    if (message.equals("Expired JWT")) {
      return "expired";
    }
    if (message.equals("JWT before use time")) {
      return "not valid yet (nbf)";
    }
    if (message.contains("Invalid signature")) {
      return "bad signature";
    }
    return message;
  }

  /** Roles this node does not know grant nothing; a claim that is not strings is invalid. */
  private static Set<Role> roles(JWTClaimsSet claims) {
    List<String> names;
    try {
      names = claims.getStringListClaim(TokenClaims.ROLES);
    } catch (ParseException e) {
      throw invalid("the roles claim must be an array of strings");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (names != null) {
      for (String name : names) {
        Role.parse(name).ifPresent(roles::add);
      }
    }
    return roles;
  }

  private static KvException invalid(String reason) {
    return new KvException(ErrorCode.ERROR_CODE_UNAUTHENTICATED, "invalid token: " + reason);
  }
}
