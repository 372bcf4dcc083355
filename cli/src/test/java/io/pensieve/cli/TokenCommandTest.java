package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import io.pensieve.api.auth.Role;
import io.pensieve.server.auth.Principal;
import io.pensieve.server.auth.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pvctl token create}, its tokens checked by the node's own verifier. */
class TokenCommandTest {
  private static final String SECRET = "a-node-secret-of-forty-eight-bytes-0123456789ab";

  @TempDir
  Path dir;

  @Test
  void anHs256TokenVerifiesWithTheNodesSecret() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");

    PvctlRun run = PvctlRun.of("token", "create", "--secret-file", secret.toString(),
        "--user", "ops", "--roles", "write,read", "--ttl", "2h");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(1);
    String token = run.out().strip();
    Principal principal = TokenVerifier.hs256(SECRET.getBytes(StandardCharsets.US_ASCII))
        .verify(token);
    assertThat(principal.subject()).isEqualTo("ops");
    assertThat(principal.roles()).isEqualTo(Set.of(Role.READ, Role.WRITE));
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
    assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("read", "write");
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
        .isBetween(Instant.now().plus(Duration.ofMinutes(119)),
            Instant.now().plus(Duration.ofMinutes(121)));
  }

  @Test
  void anRs256TokenVerifiesWithThePublicKeyAndNotWithTheSecretMode() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");

    PvctlRun run = PvctlRun.of("token", "create", "--private-key", key.toString(),
        "--user", "app", "--roles", "admin", "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    String token = json.path("token").asText();
    Principal principal = TokenVerifier.rs256((RSAPublicKey) pair.getPublic()).verify(token);
    assertThat(principal.subject()).isEqualTo("app");
    assertThat(principal.roles()).isEqualTo(Set.of(Role.ADMIN));
    assertThat(json.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(Instant.parse(json.path("expires_at").asText()))
        .isBetween(Instant.now().plus(Duration.ofMinutes(59)),
            Instant.now().plus(Duration.ofMinutes(61)));
  }

  @Test
  void badKeysAndRolesExitTwoSayingWhy() throws Exception {
    Path shortSecret = Files.writeString(dir.resolve("short"), "tiny\n");
    Path secret = Files.writeString(dir.resolve("secret"), SECRET);
    Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    PvctlRun tooShort = PvctlRun.of("token", "create", "--secret-file", shortSecret.toString(),
        "--user", "a", "--roles", "read");
    PvctlRun unknownRole = PvctlRun.of("token", "create", "--secret-file", secret.toString(),
        "--user", "a", "--roles", "read,root");
    PvctlRun notPkcs8 = PvctlRun.of("token", "create", "--private-key", pkcs1.toString(),
        "--user", "a", "--roles", "read");

    assertThat(tooShort.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(tooShort.err()).contains("is 4 bytes; HS256 needs at least 32");
    assertThat(unknownRole.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(unknownRole.err()).contains("unknown role 'root'");
    assertThat(notPkcs8.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(notPkcs8.err()).contains("openssl pkcs8 -topk8 -nocrypt");
    assertThat(tooShort.out() + unknownRole.out() + notPkcs8.out()).isEmpty();
  }
}
