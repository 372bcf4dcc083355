package io.pensieve.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.Outcome;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.auth.AuthSettings;
import io.pensieve.server.auth.Tokens;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.tls.DevCerts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client against a real 3-node cluster with TLS and tokens on: failover past a node that is
 * down, a write of unknown outcome never sent twice, and what a missing token or CA does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientIT {
  private static final byte[] SECRET =
      "client-test-secret-0123456789-abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII);
  private static final Path DIR = tempDir();
  private static final DevCerts CERTS = DevCerts.make(DIR.resolve("certs"), "n1", "n2", "n3");
  private static final String WRITER = Tokens.hs256(SECRET,
      Tokens.claims("app", Duration.ofMinutes(30), "read", "write").build());
  private static final String READER = Tokens.hs256(SECRET,
      Tokens.claims("viewer", Duration.ofMinutes(30), "read").build());

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> builder
      .tls(CERTS.node(builder.nodeId()))
      .auth(AuthSettings.hs256(DIR.resolve("secret"), Optional.empty(), Duration.ofMinutes(10))));

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("pensieve-client-it-");
      Files.write(dir.resolve("secret"), SECRET);
      Files.setPosixFilePermissions(dir.resolve("secret"),
          PosixFilePermissions.fromString("rw-------"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String endpoint(PensieveNode node) {
    return "127.0.0.1:" + node.grpcPort();
  }

  private static PensieveClient.Builder secured(List<String> endpoints) {
    return PensieveClient.builder().endpoints(endpoints).trustedCertificates(CERTS.ca())
        .bearerToken(WRITER).deadline(Duration.ofSeconds(10));
  }

  private static List<String> all() {
    return cluster.nodes().stream().map(ClientIT::endpoint).toList();
  }

  @Test
  @Order(1)
  void writesAndReadsOverTlsWithAToken() {
    try (PensieveClient client = secured(all()).build()) {
      long version = client.put("greeting", "hello").getVersion();

      assertThat(client.get("greeting")).hasValueSatisfying(kv -> {
        assertThat(kv.getValue().toStringUtf8()).isEqualTo("hello");
        assertThat(kv.getVersion()).isEqualTo(version);
      });
      assertThat(client.cluster().getMembersCount()).isEqualTo(3);
      assertThat(client.delete("greeting")).isTrue();
      assertThat(client.get("greeting")).isEmpty();
    }
  }

  @Test
  @Order(2)
  void withoutATokenOrWithTooFewRolesNothingIsAppliedOrRetried() {
    try (PensieveClient anonymous = PensieveClient.builder().endpoints(all())
        .trustedCertificates(CERTS.ca()).build();
        PensieveClient reader = secured(all()).bearerToken(READER).build()) {
      assertThatThrownBy(() -> anonymous.get("k"))
          .isInstanceOfSatisfying(PensieveException.class, failure -> {
            assertThat(failure.code()).isEqualTo("unauthenticated");
            assertThat(failure.getSuppressed()).isEmpty();
          });
      assertThatThrownBy(() -> reader.put("k", "v"))
          .isInstanceOfSatisfying(PensieveException.class, failure -> {
            assertThat(failure.code()).isEqualTo("permission_denied");
            assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_NOT_APPLIED);
          });
      assertThat(reader.get("k")).isEmpty();
    }
  }

  @Test
  @Order(3)
  void aCaThatDidNotSignTheNodesIsAConnectionNeverMade() {
    DevCerts other = DevCerts.make(DIR.resolve("other"), "x1");
    try (PensieveClient client = PensieveClient.builder().endpoints(all())
        .trustedCertificates(other.ca()).bearerToken(WRITER).maxAttempts(3).build()) {
      assertThatThrownBy(() -> client.put("k", "v"))
          .isInstanceOfSatisfying(PensieveException.class, failure -> {
            assertThat(failure.source()).isEqualTo(PensieveException.Source.NEVER_CONNECTED);
            assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_NOT_APPLIED);
            assertThat(failure.getSuppressed()).hasSize(2);
          });
    }
  }

  @Test
  @Order(4)
  void aWriteWhoseAnswerIsLostIsNotSentToTheNextEndpoint() throws IOException {
    PensieveNode first = cluster.nodes().get(0);
    PensieveNode second = cluster.nodes().get(1);
    try (MutingProxy proxy = new MutingProxy(first.grpcPort());
        PensieveClient client = secured(List.of(proxy.endpoint(), endpoint(second)))
            .deadline(Duration.ofSeconds(3)).build();
        PensieveClient check = secured(all()).build()) {
      client.get("once");
      proxy.mute();

      assertThatThrownBy(() -> client.put("once", "v1"))
          .isInstanceOfSatisfying(PensieveException.class, failure -> {
            assertThat(failure.source()).isEqualTo(PensieveException.Source.MAYBE_SENT);
            assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_UNKNOWN);
            assertThat(failure.endpoint()).isEqualTo(proxy.endpoint());
          });

      // it applied, through the muted proxy, and only once: a second put would have moved
      // the key's version past its creation
      KeyValue kv = await().atMost(Duration.ofSeconds(30))
          .until(() -> check.get("once"), Optional::isPresent).orElseThrow();
      assertThat(kv.getValue().toStringUtf8()).isEqualTo("v1");
      assertThat(kv.getVersion()).isEqualTo(kv.getCreateRevision());
    }
  }

  @Test
  @Order(5)
  void aNodeThatIsDownIsPassedOver() {
    PensieveNode down = cluster.follower();
    List<String> downFirst = new ArrayList<>(List.of(endpoint(down)));
    cluster.nodes().stream().filter(node -> node != down).map(ClientIT::endpoint)
        .forEach(downFirst::add);
    cluster.stop(down.info().id());

    try (PensieveClient client = secured(downFirst).build()) {
      client.put("failover", "past the first");

      assertThat(client.get("failover")).map(kv -> kv.getValue().toStringUtf8())
          .contains("past the first");
    }
  }
}
