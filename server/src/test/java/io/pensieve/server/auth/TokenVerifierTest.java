package io.pensieve.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import io.pensieve.api.auth.Role;
import io.pensieve.api.auth.TokenSigner.SignedToken;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.kv.KvException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenVerifierTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER_SECRET =
      "another secret, also 32 bytes or more".getBytes(StandardCharsets.US_ASCII);
  private static final KeyPair RSA = Tokens.rsaKeyPair(2048);
  private static final KeyPair OTHER_RSA = Tokens.rsaKeyPair(2048);
  private static final RSAPrivateKey RSA_PRIVATE = (RSAPrivateKey) RSA.getPrivate();
  private static final RSAPublicKey RSA_PUBLIC = (RSAPublicKey) RSA.getPublic();

  private static final TokenVerifier HS256 = TokenVerifier.hs256(SECRET);
  private static final TokenVerifier RS256 = TokenVerifier.rs256(RSA_PUBLIC);

  private static JWTClaimsSet alice() {
    return Tokens.claims("alice", Duration.ofMinutes(5), "read", "write").build();
  }

  @Test
  void aValidHs256TokenNamesItsSubjectAndRoles() {
    Principal principal = HS256.verify(Tokens.hs256(SECRET, alice()));

    assertThat(principal.subject()).isEqualTo("alice");
    assertThat(principal.roles()).containsExactlyInAnyOrder(Role.READ, Role.WRITE);
  }

  @Test
  void aValidRs256TokenNamesItsSubjectAndRoles() {
    Principal principal = RS256.verify(Tokens.rs256(RSA_PRIVATE, alice()));

    assertThat(principal.subject()).isEqualTo("alice");
    assertThat(principal.roles()).containsExactlyInAnyOrder(Role.READ, Role.WRITE);
  }

  static Stream<Arguments> refusedTokens() {
    JWTClaimsSet expired = Tokens.claims("alice", Duration.ofMinutes(-2), "read").build();
    JWTClaimsSet notYet = Tokens.claims("alice", Duration.ofMinutes(5), "read")
        .notBeforeTime(Date.from(Instant.now().plusSeconds(120))).build();
    JWTClaimsSet noExp = new JWTClaimsSet.Builder().subject("alice")
        .claim("roles", List.of("admin")).build();
    JWTClaimsSet noSub = Tokens.claims("alice", Duration.ofMinutes(5), "admin").subject(null)
        .build();
    JWTClaimsSet rolesNotStrings = Tokens.claims("alice", Duration.ofMinutes(5))
        .claim("roles", "admin").build();
    byte[] publicKeyAsSecret = RSA_PUBLIC.getEncoded();
    return Stream.of(
        // name, verifier, token, reason
        refused("expired beyond the clock skew", HS256, Tokens.hs256(SECRET, expired),
            "expired"),
        refused("nbf in the future", HS256, Tokens.hs256(SECRET, notYet), "not valid yet"),
        refused("no exp", HS256, Tokens.hs256(SECRET, noExp), "exp"),
        refused("no sub", HS256, Tokens.hs256(SECRET, noSub), "sub"),
        refused("roles not an array of strings", HS256, Tokens.hs256(SECRET, rolesNotStrings),
            "roles claim"),
        refused("signed with another secret", HS256, Tokens.hs256(OTHER_SECRET, alice()),
            "bad signature"),
        refused("alg none on an HS256 node", HS256, Tokens.unsigned(alice()), "alg none"),
        refused("RS256 on an HS256 node", HS256, Tokens.rs256(RSA_PRIVATE, alice()),
            "accepts HS256 tokens only"),
        refused("alg none on an RS256 node", RS256, Tokens.unsigned(alice()), "alg none"),
        refused("signed with another RSA key", RS256,
            Tokens.rs256((RSAPrivateKey) OTHER_RSA.getPrivate(), alice()), "bad signature"),
        // key confusion: the public key, known to all, used as an HMAC secret
        refused("HS256 keyed with the RS256 public key", RS256,
            Tokens.hs256(publicKeyAsSecret, alice()), "accepts RS256 tokens only"),
        refused("not a JWT", HS256, "not.a.token", "invalid token"),
        refused("empty", HS256, "", "invalid token"),
        refused("a tampered payload", HS256, tamper(Tokens.hs256(SECRET, alice())),
            "bad signature"));
  }

  private static Arguments refused(String name, TokenVerifier verifier, String token,
      String reason) {
    return Arguments.of(name, verifier, token, reason);
  }

  /** The payload of another token, under this one's signature. */
  private static String tamper(String token) {
    String[] parts = token.split("\\.", -1);
    String admin = Tokens.hs256(OTHER_SECRET,
        Tokens.claims("alice", Duration.ofMinutes(5), "admin").build()).split("\\.", -1)[1];
    return parts[0] + "." + admin + "." + parts[2];
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  void invalidTokensAreUnauthenticated(String name, TokenVerifier verifier, String token,
      String reason) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(KvException.class)
        .hasMessageContaining(reason)
        .extracting(e -> ((KvException) e).code())
        .isEqualTo(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
  }

  @Test
  void expiryWithinTheClockSkewIsTolerated() {
    JWTClaimsSet justExpired = Tokens.claims("alice", Duration.ofSeconds(-10), "read").build();
    JWTClaimsSet soonValid = Tokens.claims("alice", Duration.ofMinutes(5), "read")
        .notBeforeTime(Date.from(Instant.now().plusSeconds(10))).build();

    assertThat(HS256.verify(Tokens.hs256(SECRET, justExpired)).subject()).isEqualTo("alice");
    assertThat(HS256.verify(Tokens.hs256(SECRET, soonValid)).subject()).isEqualTo("alice");
    assertThat(TokenVerifier.CLOCK_SKEW).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aRememberedTokenIsRefusedOnceItExpires() {
    Instant start = Instant.now();
    Instant[] now = {start};
    Clock clock = new Clock() {
      @Override
      public Instant instant() {
        return now[0];
      }

      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    TokenVerifier verifier = TokenVerifier.hs256(SECRET, clock);
    String token = Tokens.hs256(SECRET, Tokens.claims("alice", Duration.ofMinutes(1), "read")
        .build());

    assertThat(verifier.verify(token).subject()).isEqualTo("alice");
    now[0] = start.plus(Duration.ofSeconds(80)); // past exp, within the skew
    assertThat(verifier.verify(token).subject()).isEqualTo("alice");
    now[0] = start.plus(Duration.ofSeconds(100)); // past exp and the skew
    assertThatThrownBy(() -> verifier.verify(token)).hasMessageContaining("expired");
    assertThatThrownBy(() -> verifier.verify(token)).hasMessageContaining("expired");
  }

  @Test
  void unknownRolesGrantNothing() {
    Principal principal = HS256.verify(Tokens.hs256(SECRET,
        Tokens.claims("bob", Duration.ofMinutes(5), "superuser", "read").build()));

    assertThat(principal.roles()).containsExactly(Role.READ);
  }

  @Test
  void issuedTokensVerifyAndExpireAfterTheirLifetime() {
    TokenIssuer hs = TokenIssuer.hs256(SECRET, Duration.ofHours(1), Clock.systemUTC());
    TokenIssuer rs = TokenIssuer.rs256(RSA_PRIVATE, Duration.ofHours(1), Clock.systemUTC());

    for (var pair : List.of(List.of(hs, HS256), List.of(rs, RS256))) {
      SignedToken token = ((TokenIssuer) pair.get(0))
          .issue("carol", EnumSet.of(Role.ADMIN));
      Principal principal = ((TokenVerifier) pair.get(1)).verify(token.token());

      assertThat(principal.subject()).isEqualTo("carol");
      assertThat(principal.roles()).isEqualTo(Set.of(Role.ADMIN));
      assertThat(token.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(59)),
          Instant.now().plus(Duration.ofMinutes(61)));
    }
    Clock twoHoursAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-2));
    String old = TokenIssuer.hs256(SECRET, Duration.ofHours(1), twoHoursAgo)
        .issue("carol", EnumSet.of(Role.ADMIN)).token();
    assertThatThrownBy(() -> HS256.verify(old)).hasMessageContaining("expired");
  }

  @Test
  void adminAllowsEveryRoleAndTheOthersOnlyThemselves() {
    assertThat(new Principal("a", Set.of(Role.ADMIN)).allows(Role.READ)).isTrue();
    assertThat(new Principal("a", Set.of(Role.ADMIN)).allows(Role.WRITE)).isTrue();
    assertThat(new Principal("w", Set.of(Role.WRITE)).allows(Role.READ)).isFalse();
    assertThat(new Principal("r", Set.of(Role.READ)).allows(Role.WRITE)).isFalse();
    assertThat(new Principal("rw", Set.of(Role.READ, Role.WRITE)).allows(Role.ADMIN)).isFalse();
  }
}
