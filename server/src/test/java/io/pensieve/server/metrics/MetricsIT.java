package io.pensieve.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.StatusRuntimeException;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.TakeSnapshotRequest;
import io.pensieve.proto.v1.TakeSnapshotResponse;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.RestClient.Reply;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.server.metrics.PrometheusText.Sample;
import io.pensieve.server.metrics.PrometheusText.Type;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /metrics} on a live cluster: the format, and counters that follow the traffic. */
@SuppressWarnings("BadImport") // PrometheusText.Type is the only Type this test knows
class MetricsIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  private static final int N = 5;
  private static final Duration RECORDED = Duration.ofSeconds(10);
  private static final Map<String, Type> FAMILIES = Map.ofEntries(
      Map.entry("pensieve_node_info", Type.GAUGE),
      Map.entry("pensieve_http_requests_total", Type.COUNTER),
      Map.entry("pensieve_http_request_duration_seconds", Type.HISTOGRAM),
      Map.entry("pensieve_grpc_requests_total", Type.COUNTER),
      Map.entry("pensieve_grpc_request_duration_seconds", Type.HISTOGRAM),
      Map.entry("pensieve_raft_term", Type.GAUGE),
      Map.entry("pensieve_raft_is_leader", Type.GAUGE),
      Map.entry("pensieve_raft_commit_index", Type.GAUGE),
      Map.entry("pensieve_raft_applied_index", Type.GAUGE),
      Map.entry("pensieve_raft_snapshot_index", Type.GAUGE),
      Map.entry("pensieve_raft_log_entries", Type.GAUGE),
      Map.entry("pensieve_raft_log_size_bytes", Type.GAUGE),
      Map.entry("pensieve_raft_follower_lag_entries", Type.GAUGE),
      Map.entry("pensieve_raft_leader_changes_total", Type.COUNTER),
      Map.entry("pensieve_raft_apply_duration_seconds", Type.HISTOGRAM),
      Map.entry("pensieve_raft_snapshots_total", Type.COUNTER),
      Map.entry("pensieve_raft_snapshot_duration_seconds", Type.HISTOGRAM),
      Map.entry("pensieve_raft_snapshot_size_bytes", Type.GAUGE),
      Map.entry("pensieve_raft_snapshot_load_duration_seconds", Type.HISTOGRAM),
      Map.entry("pensieve_store_keys", Type.GAUGE),
      Map.entry("pensieve_store_bytes", Type.GAUGE),
      Map.entry("pensieve_store_evictions_total", Type.COUNTER),
      Map.entry("pensieve_store_expirations_total", Type.COUNTER),
      Map.entry("pensieve_store_hits_total", Type.COUNTER),
      Map.entry("pensieve_store_misses_total", Type.COUNTER),
      Map.entry("jvm_memory_used_bytes", Type.GAUGE),
      Map.entry("jvm_threads_current", Type.GAUGE),
      Map.entry("jvm_gc_collection_seconds", Type.SUMMARY),
      Map.entry("process_cpu_seconds_total", Type.COUNTER));
  private static final Set<String> ROUTES = Set.of("/v1/kv/{key}", "/get/{key}",
      "/delete/{key}", "/del/{key}", "/v1/node", "/v1/cluster", "/v1/stats", "/health",
      "/ready", "/metrics", "/get", "/put", "/set", "/stats", "/login", "/set-value",
      "/get-value", "/delete-value", "other");

  private final RestClient rest = new RestClient();

  /** A labelled family shows once it has a sample: a gRPC call, a leader with followers. */
  @Test
  void everyNodeServesEveryFamilyAsPrometheusText() {
    PensieveNode leader = cluster.awaitLeader();
    for (PensieveNode node : cluster.members()) {
      try (KvClient client = KvClient.connect(node)) {
        client.staleValue("metrics-families");
      }
      Reply reply = rest.get(node, "/metrics");

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      PrometheusText text = PrometheusText.parse(reply.text());
      FAMILIES.forEach((name, type) -> {
        if (node == leader || !name.equals("pensieve_raft_follower_lag_entries")) {
          assertThat(text.family(name).type()).as(name).isEqualTo(type);
        }
      });
      assertThat(text.families().keySet()).as("only the node's and the JVM's families")
          .allMatch(name -> name.startsWith("pensieve_") || name.startsWith("jvm_")
              || name.startsWith("process_"));
      assertThat(text.samples("pensieve_node_info")).singleElement().satisfies(info -> {
        assertThat(info.labels()).containsEntry("node", node.info().id());
        assertThat(info.value()).isEqualTo(1);
      });
      assertThat(text.value("pensieve_raft_leader_changes_total")).isGreaterThanOrEqualTo(1);
      assertThat(text.value("pensieve_raft_term")).isPositive();
      assertThat(text.value("pensieve_raft_log_entries")).isPositive();
      assertThat(text.value("pensieve_raft_log_size_bytes")).isPositive();
    }
  }

  @Test
  void aScraperThatAsksForOpenMetricsGetsIt() {
    Reply reply = rest.send(HttpRequest.newBuilder(RestClient.uri(cluster.follower(), "/metrics"))
        .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
        .GET().build());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("application/openmetrics-text; version=1.0.0"));
    assertThat(reply.text()).contains("# TYPE pensieve_http_requests counter\n")
        .endsWith("# EOF\n");
  }

  @Test
  void aScraperThatPrefersProtobufGetsTextInstead() {
    Reply reply = rest.send(HttpRequest.newBuilder(RestClient.uri(cluster.follower(), "/metrics"))
        .header("Accept", "application/vnd.google.protobuf;"
            + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.8,"
            + "text/plain;version=0.0.4;q=0.3")
        .GET().build());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(PrometheusText.parse(reply.text()).families()).containsKey("pensieve_raft_term");
  }

  @Test
  void restRequestsAreCountedByRouteTemplateMethodAndStatus() {
    PensieveNode node = cluster.follower();
    PrometheusText before = scrape(node);

    for (int i = 0; i < N; i++) {
      assertThat(rest.put(node, "/v1/kv/metrics-rest-" + i, "{\"value\":\"v\"}").status())
          .isEqualTo(200);
      assertThat(rest.get(node, "/v1/kv/metrics-rest-" + i).status()).isEqualTo(200);
      assertThat(rest.get(node, "/v1/kv/metrics-absent-" + i).status()).isEqualTo(404);
      assertThat(rest.get(node, "/get/metrics-rest-" + i).status()).isEqualTo(200);
      assertThat(rest.get(node, "/no/such/route-" + i).status()).isEqualTo(404);
    }

    await("the requests counted").atMost(RECORDED).untilAsserted(() -> {
      PrometheusText after = scrape(node);
      assertMovedBy(before, after, "pensieve_http_requests_total",
          Map.of("route", "/v1/kv/{key}", "method", "PUT", "status", "200"), N);
      assertMovedBy(before, after, "pensieve_http_requests_total",
          Map.of("route", "/v1/kv/{key}", "method", "GET", "status", "200"), N);
      assertMovedBy(before, after, "pensieve_http_requests_total",
          Map.of("route", "/v1/kv/{key}", "method", "GET", "status", "404"), N);
      assertMovedBy(before, after, "pensieve_http_requests_total",
          Map.of("route", "/get/{key}", "method", "GET", "status", "200"), N);
      assertMovedBy(before, after, "pensieve_http_requests_total",
          Map.of("route", "other", "method", "GET", "status", "404"), N);
      assertMovedBy(before, after, "pensieve_http_request_duration_seconds_count",
          Map.of("route", "/v1/kv/{key}", "method", "GET"), 2 * N);
      assertMovedBy(before, after, "pensieve_store_hits_total", Map.of(), 2 * N);
      assertMovedBy(before, after, "pensieve_store_misses_total", Map.of(), N);
    });
    PrometheusText after = scrape(node);
    Set<String> routes = after.samples("pensieve_http_requests_total").stream()
        .map(s -> s.labels().get("route")).collect(Collectors.toSet());
    assertThat(ROUTES).containsAll(routes);
    assertThat(after.families().values().stream().flatMap(f -> f.samples().stream())
        .flatMap(s -> s.labels().values().stream()))
        .as("no key reaches a label").noneMatch(v -> v.contains("metrics-"));
  }

  @Test
  void grpcCallsAreCountedByMethodAndCode() {
    PensieveNode node = cluster.follower();
    PrometheusText before = scrape(node);

    try (KvClient client = KvClient.connect(node)) {
      for (int i = 0; i < N; i++) {
        client.put("metrics-grpc-" + i, "v");
        assertThat(client.value("metrics-grpc-" + i)).hasValue("v");
        assertThat(client.get("metrics-grpc-absent-" + i, Consistency.CONSISTENCY_STALE)
            .getFound()).isFalse();
        assertThatThrownBy(() -> client.kv().put(PutRequest.getDefaultInstance()))
            .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT");
      }
    }

    await("the calls counted").atMost(RECORDED).untilAsserted(() -> {
      PrometheusText after = scrape(node);
      Map<String, String> kv = Map.of("service", "pensieve.v1.KV");
      assertMovedBy(before, after, "pensieve_grpc_requests_total",
          with(kv, "method", "Put", "code", "OK"), N);
      assertMovedBy(before, after, "pensieve_grpc_requests_total",
          with(kv, "method", "Get", "code", "OK"), 2 * N);
      assertMovedBy(before, after, "pensieve_grpc_requests_total",
          with(kv, "method", "Put", "code", "INVALID_ARGUMENT"), N);
      assertMovedBy(before, after, "pensieve_grpc_request_duration_seconds_count",
          with(kv, "method", "Put"), 2 * N);
      assertMovedBy(before, after, "pensieve_store_hits_total", Map.of(), N);
      assertMovedBy(before, after, "pensieve_store_misses_total", Map.of(), N);
    });
  }

  @Test
  void raftGaugesShowOneLeaderItsFollowersLagAndTheAppliedLog() {
    PensieveNode leader = cluster.awaitLeader();
    Map<String, PrometheusText> before = scrapeAll();
    try (KvClient client = KvClient.connect(leader)) {
      for (int i = 0; i < N; i++) {
        client.put("metrics-raft-" + i, "v");
      }
    }

    await("every node applied the writes").atMost(RECORDED).untilAsserted(() -> {
      for (PensieveNode node : cluster.members()) {
        PrometheusText after = scrape(node);
        String id = node.info().id();
        assertThat(after.value("pensieve_raft_applied_index")).as(id)
            .isGreaterThanOrEqualTo(before.get(id).value("pensieve_raft_applied_index") + N);
        assertMovedBy(before.get(id), after, "pensieve_raft_apply_duration_seconds_count",
            Map.of(), N);
      }
    });
    Map<String, PrometheusText> after = scrapeAll();
    assertThat(after.values().stream().filter(t -> t.value("pensieve_raft_is_leader") == 1))
        .as("exactly one node says it leads").hasSize(1);
    assertThat(after.values()).allSatisfy(t ->
        assertThat(t.value("pensieve_raft_is_leader")).isIn(0.0, 1.0));
    PrometheusText onLeader = after.get(leader.info().id());
    assertThat(onLeader.value("pensieve_raft_is_leader")).isEqualTo(1);
    assertThat(onLeader.value("pensieve_raft_commit_index"))
        .isGreaterThanOrEqualTo(onLeader.value("pensieve_raft_applied_index"));
    Set<String> followers = cluster.followers().stream().map(n -> n.info().id())
        .collect(Collectors.toSet());
    List<Sample> lag = onLeader.samples("pensieve_raft_follower_lag_entries");
    assertThat(lag).extracting(s -> s.labels().get("follower"))
        .containsExactlyInAnyOrderElementsOf(followers);
    assertThat(lag).allSatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(0));
    for (String follower : followers) {
      assertThat(after.get(follower).samples("pensieve_raft_follower_lag_entries"))
          .as("no lag reported by follower " + follower).isEmpty();
    }
    assertThat(after.values().stream().map(t -> t.value("pensieve_raft_term")).distinct())
        .as("one term").hasSize(1);
  }

  @Test
  void takingASnapshotCountsItAndReportsItsSize() {
    PensieveNode node = cluster.follower();
    try (KvClient client = KvClient.connect(node)) {
      client.put("metrics-snapshot", "x".repeat(1000));
      await("the write applied here").atMost(RECORDED)
          .until(() -> client.staleValue("metrics-snapshot").isPresent());
      PrometheusText before = scrape(node);

      TakeSnapshotResponse taken =
          client.admin().takeSnapshot(TakeSnapshotRequest.getDefaultInstance());

      PrometheusText after = scrape(node);
      assertMovedBy(before, after, "pensieve_raft_snapshots_total", Map.of(), 1);
      assertMovedBy(before, after, "pensieve_raft_snapshot_duration_seconds_count", Map.of(), 1);
      assertThat(after.value("pensieve_raft_snapshot_size_bytes")).isGreaterThan(1000);
      assertThat(after.value("pensieve_raft_snapshot_index")).isEqualTo((double) taken.getIndex())
          .isGreaterThan(before.value("pensieve_raft_snapshot_index"));
    }
  }

  @Test
  void aRestartedNodeReportsHowLongLoadingItsSnapshotTook() throws Exception {
    String id = cluster.follower().info().id();
    cluster.stop(id); // a clean stop takes a snapshot, which the restart loads

    PensieveNode restarted = cluster.restart(id);

    PrometheusText text = scrape(restarted);
    assertThat(text.value("pensieve_raft_snapshot_load_duration_seconds_count")).isEqualTo(1);
    assertThat(text.value("pensieve_raft_snapshot_load_duration_seconds_sum")).isPositive();
    await("the restarted node ready").atMost(RECORDED)
        .until(() -> restarted.raft().readiness().ready());
  }

  @Test
  void storeMetricsAgreeWithTheStatsRoutes() {
    PensieveNode node = cluster.awaitLeader();
    rest.put(node, "/v1/kv/metrics-store", "{\"value\":\"v\"}");

    await("a scrape and /v1/stats agree").atMost(RECORDED).untilAsserted(() -> {
      JsonNode stats = rest.get(node, "/v1/stats").json();
      PrometheusText text = scrape(node);
      assertThat(text.value("pensieve_store_keys"))
          .isEqualTo((double) stats.path("total_entries").asLong()).isPositive();
      assertThat(text.value("pensieve_store_bytes"))
          .isEqualTo((double) stats.path("bytes").asLong());
      assertThat(text.value("pensieve_store_evictions_total"))
          .isEqualTo((double) stats.path("evictions").asLong());
      assertThat(text.value("pensieve_store_expirations_total"))
          .isEqualTo((double) stats.path("expirations").asLong());
    });
    for (String route : List.of("/v1/stats", "/stats")) {
      JsonNode stats = rest.get(node, route).json();
      assertThat(stats.fieldNames()).toIterable().as(route).contains("hits", "misses",
          "evictions", "expirations", "total_entries", "bytes", "hit_rate");
    }
  }

  @Test
  void aNodeWaitingToJoinAlreadyServesItsMetrics() throws Exception {
    PensieveNode joiner = cluster.startJoining("n9");
    try {
      assertThat(rest.get(joiner, "/v1/stats").status()).isEqualTo(503);

      await("the refusal counted").atMost(RECORDED).untilAsserted(() -> {
        Reply reply = rest.get(joiner, "/metrics");
        assertThat(reply.status()).isEqualTo(200);
        PrometheusText text = PrometheusText.parse(reply.text());
        assertThat(text.samples("pensieve_node_info")).singleElement()
            .satisfies(info -> assertThat(info.labels()).containsEntry("node", "n9"));
        assertThat(text.value("pensieve_raft_is_leader")).isZero();
        assertThat(text.sum("pensieve_http_requests_total",
            Map.of("route", "/v1/stats", "status", "503"))).isEqualTo(1);
      });
    } finally {
      cluster.stop("n9");
    }
  }

  private PrometheusText scrape(PensieveNode node) {
    Reply reply = rest.get(node, "/metrics");
    assertThat(reply.status()).isEqualTo(200);
    return PrometheusText.parse(reply.text());
  }

  private Map<String, PrometheusText> scrapeAll() {
    return cluster.members().stream()
        .collect(Collectors.toMap(n -> n.info().id(), this::scrape));
  }

  private static void assertMovedBy(PrometheusText before, PrometheusText after, String sample,
      Map<String, String> labels, int atLeast) {
    assertThat(after.sum(sample, labels) - before.sum(sample, labels))
        .as(sample + labels).isGreaterThanOrEqualTo(atLeast);
  }

  private static Map<String, String> with(Map<String, String> labels, String... more) {
    Map<String, String> all = new java.util.HashMap<>(labels);
    for (int i = 0; i < more.length; i += 2) {
      all.put(more[i], more[i + 1]);
    }
    return all;
  }
}
