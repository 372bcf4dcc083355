package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.cli.bench.KeySpace;
import io.pensieve.client.Endpoint;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.server.cluster.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pvctl bench} against a real 3-node cluster, over gRPC and REST: each workload runs for
 * a second, answers one JSON document with requests and no errors, and leaves its keys in the
 * cluster.
 */
class PvctlBenchIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static String endpoints;
  private static Cluster nodes;

  @BeforeAll
  static void endpoints() {
    endpoints = cluster.nodes().stream().map(node -> "127.0.0.1:" + node.grpcPort())
        .collect(Collectors.joining(","));
    nodes = new Cluster(Stream.of(endpoints.split(",")).map(Endpoint::parse).toList(),
        Duration.ofSeconds(10));
  }

  @AfterAll
  static void close() {
    nodes.close();
  }

  /** Runs the bench for a second on a small key space and returns its JSON document. */
  private static JsonNode bench(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--endpoints", endpoints, "bench"));
    all.addAll(List.of(args));
    all.addAll(List.of("--clients", "3", "--in-flight", "4", "--duration", "1s", "--warmup",
        "200ms", "-o", "json"));
    PvctlRun run = PvctlRun.of(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).as(run.toString()).isEmpty();
    return JSON.readTree(run.out());
  }

  private static void assertBusyAndClean(JsonNode result, String... operations) {
    JsonNode level = result.get("levels").get(0);
    assertThat(level.get("clients").asInt()).isEqualTo(3);
    assertThat(level.get("total").get("errors").asLong()).as(result.toString()).isZero();
    assertThat(level.get("total").get("ops").asLong()).as(result.toString()).isPositive();
    assertThat(level.get("operations").size()).isEqualTo(operations.length);
    for (String operation : operations) {
      JsonNode stats = level.get("operations").get(operation);
      assertThat(stats.get("ops").asLong()).as(operation).isPositive();
      assertThat(stats.get("latency_ms").get("p99").asDouble()).as(operation).isPositive();
    }
  }

  /** Every key of the key space holds a value of this size. */
  private static void assertKeysHoldValuesOf(int keys, int valueSize) {
    for (int i = 0; i < keys; i++) {
      GetRequest request = GetRequest.newBuilder().setKey(Text.bytes(KeySpace.key(i))).build();
      GetResponse response = nodes.call(RequestKind.READ, stubs -> stubs.kv().get(request));
      assertThat(response.getFound()).as(KeySpace.key(i)).isTrue();
      assertThat(response.getKv().getValue().size()).as(KeySpace.key(i)).isEqualTo(valueSize);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "rest"})
  void putWritesKeysOfTheValueSize(String api) throws IOException {
    // a few hundred writes over 20 keys: every key is written
    int valueSize = api.equals("grpc") ? 37 : 41;
    JsonNode result = bench("put", "--api", api, "--keys", "20", "--value-size",
        String.valueOf(valueSize));

    assertThat(result.get("api").asText()).isEqualTo(api);
    assertThat(result.get("preload").isNull()).isTrue();
    assertBusyAndClean(result, "put");
    assertKeysHoldValuesOf(20, valueSize);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "rest"})
  void getPreloadsEveryKeyAndReadsThemAll(String api) throws IOException {
    JsonNode result = bench("get", "--api", api, "--keys", "300", "--value-size", "64");

    JsonNode preload = result.get("preload");
    assertThat(preload.get("keys").asInt()).isEqualTo(300);
    assertThat(preload.get("errors").asLong()).isZero();
    assertBusyAndClean(result, "get");
    assertKeysHoldValuesOf(300, 64);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "rest"})
  void mixedReadsAndWrites(String api) throws IOException {
    JsonNode result = bench("mixed", "--api", api, "--keys", "200", "--read-ratio", "0.5",
        "--consistency", "stale");

    assertThat(result.get("consistency").asText()).isEqualTo("stale");
    assertBusyAndClean(result, "get", "put");
    assertKeysHoldValuesOf(200, 100);
  }

  @Test
  void aSweepOverRestPlotsOnePointPerLevel(@TempDir Path dir) throws Exception {
    Path chart = dir.resolve("sweep.svg");
    PvctlRun run = PvctlRun.of("--endpoints", endpoints, "bench", "put", "--api", "rest",
        "--clients", "1,2", "--in-flight", "2", "--duration", "500ms", "--warmup", "0",
        "--keys", "50", "--rate", "200", "--plot", chart.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("CLIENTS  IN-FLIGHT").containsPattern("(?m)^1 +2 +\\d+ ")
        .containsPattern("(?m)^2 +4 +\\d+ ");
    var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(chart.toFile());
    assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(4);
    assertThat(Files.readString(chart)).contains("open loop at 200 requests/s");
  }
}
