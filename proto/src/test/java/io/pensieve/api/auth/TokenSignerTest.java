package io.pensieve.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token contract the node and pvctl share: claims, algorithms, key files, roles. */
class TokenSignerTest {
  private static final String SECRET = "a-node-secret-of-forty-eight-bytes-0123456789ab";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");

  @TempDir
  Path dir;

  @Test
  void anHs256TokenFromASecretFileCarriesSubjectRolesAndExpiry() throws Exception {
    Path file = Files.writeString(dir.resolve("secret"), SECRET + "\n");

    TokenSigner.SignedToken signed = TokenSigner.secretFile(file)
        .sign("ops", EnumSet.of(Role.ADMIN, Role.READ), NOW, Duration.ofHours(2));

    SignedJWT jwt = SignedJWT.parse(signed.token());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.US_ASCII)))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("ops");
    assertThat(jwt.getJWTClaimsSet().getStringListClaim(TokenClaims.ROLES))
        .containsExactly("read", "admin");
    assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(signed.expiresAt()).isEqualTo(Instant.parse("2026-01-02T05:04:05Z"));
    assertThat(jwt.getJWTClaimsSet().getClaims().keySet()).containsAll(TokenClaims.REQUIRED);
  }

  @Test
  void anRs256TokenFromAPkcs8FileVerifiesWithThePublicKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Path file = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");

    TokenSigner signer = TokenSigner.privateKeyFile(file);
    SignedJWT jwt = SignedJWT.parse(
        signer.sign("app", EnumSet.of(Role.WRITE), NOW, Duration.ofMinutes(5)).token());

    assertThat(signer.algorithm()).isEqualTo("RS256");
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) pair.getPublic()))).isTrue();
  }

  @Test
  void weakOrForeignKeysAreRefusedSayingHowToMakeAGoodOne() throws Exception {
    Path shortSecret = Files.writeString(dir.resolve("short"), "tiny\r\n");
    Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> TokenSigner.secretFile(shortSecret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is 4 bytes; HS256 needs at least 32")
        .hasMessageContaining("openssl rand -base64 48");
    assertThatThrownBy(() -> TokenSigner.privateKeyFile(pkcs1))
        .hasMessageContaining("holds no PEM '-----BEGIN PRIVATE KEY-----' block")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void rolesAreParsedByName() {
    assertThat(Role.parseList(" write ,read")).containsExactly(Role.READ, Role.WRITE);
    assertThat(Role.claimNames(EnumSet.allOf(Role.class)))
        .containsExactly("read", "write", "admin");
    assertThatThrownBy(() -> Role.parseList("read,root"))
        .hasMessage("unknown role 'root'; roles are read, write and admin");
  }

  @Test
  void lifetimesAreANumberAndAUnit() {
    assertThat(TokenLifetime.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(TokenLifetime.parse(" 12H ")).isEqualTo(Duration.ofHours(12));
    assertThat(TokenLifetime.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> TokenLifetime.parse("1 hour"))
        .hasMessage("'1 hour' is not a lifetime: a number and s, m, h or d (like 30m or 1h)");
  }
}
