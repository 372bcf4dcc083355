package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.server.auth.AuthSettings;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.tls.DevCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pvctl bench} against a node with TLS and authentication: --cacert and the token work
 * over gRPC and HTTPS; without the token every request is refused, counted by kind, and the
 * bench exits 3.
 */
class PvctlBenchSecureIT {
  @TempDir
  static Path dir;
  private static DevCerts certs;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(1, builder -> builder
      .tls(certs().node(builder.nodeId()))
      .auth(AuthSettings.hs256(secret(), Optional.empty(), Duration.ofMinutes(5))));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static String endpoint;
  private static Path token;

  /** Made when the node is configured, after the temporary directory. */
  private static synchronized DevCerts certs() {
    if (certs == null) {
      certs = DevCerts.make(dir.resolve("certs"), "n1");
    }
    return certs;
  }

  private static Path secret() {
    Path secret = dir.resolve("secret");
    try {
      if (!Files.exists(secret)) {
        Files.writeString(secret, "pvctl-bench-test-secret-0123456789abcdef\n");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return secret;
  }

  @BeforeAll
  static void tokenAndEndpoint() throws Exception {
    endpoint = "127.0.0.1:" + cluster.nodes().get(0).grpcPort();
    PvctlRun created = PvctlRun.of("token", "create", "--secret-file", secret().toString(),
        "--user", "bench", "--roles", "read,write");
    assertThat(created.exitCode()).as(created.err()).isZero();
    token = Files.writeString(dir.resolve("token"), created.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "rest"})
  void withTheCaAndATokenEveryRequestSucceeds(String api) throws Exception {
    PvctlRun run = PvctlRun.of("--endpoints", endpoint, "--cacert", certs.ca().toString(),
        "--token-file", token.toString(), "bench", "mixed", "--api", api, "--clients", "2",
        "--in-flight", "2", "--duration", "1s", "--warmup", "0", "--keys", "50", "-o", "json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode result = JSON.readTree(run.out());
    if (api.equals("rest")) {
      assertThat(result.get("endpoints").get(0).asText()).startsWith("https://");
    }
    JsonNode total = result.get("levels").get(0).get("total");
    assertThat(total.get("ops").asLong()).isPositive();
    assertThat(total.get("errors").asLong()).as(run.toString()).isZero();
  }

  @Test
  void withoutATokenEveryRequestIsRefusedAndCountedAndTheBenchExitsThree() {
    PvctlRun run = PvctlRun.of("--endpoints", endpoint, "--cacert", certs.ca().toString(),
        "bench", "put", "--clients", "1", "--duration", "300ms", "--warmup", "0");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(run.out()).containsPattern("(?m)^put +0 +0 ")
        .contains("put errors: UNAUTHENTICATED/unauthenticated ");
    assertThat(run.err()).isEqualTo("pvctl: no request succeeded (see the errors above)\n");
  }
}
