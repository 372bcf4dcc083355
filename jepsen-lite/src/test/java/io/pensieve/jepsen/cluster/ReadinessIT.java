package io.pensieve.jepsen.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.pensieve.proto.v1.StatusRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /ready} and the gRPC health service on a node cut off from the leader by a real
 * partition between node processes: not ready once it has lost the leader, ready again only
 * after the partition heals and it has applied what the majority wrote meanwhile.
 */
class ReadinessIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodeCutOffFromTheLeaderIsNotReadyUntilItHasCaughtUp(@TempDir Path dir)
      throws Exception {
    cluster = LocalCluster.start(3, dir, BuiltTree.nodeLauncher(), Optional.empty());
    polling().until(cluster::healthy);
    String leaderId = cluster.leader().orElseThrow();
    NodeProcess leader = cluster.node(leaderId);
    NodeProcess cutOff = cluster.nodes().stream().filter(n -> !n.id().equals(leaderId))
        .findFirst().orElseThrow();
    List<String> majority = cluster.nodes().stream().map(NodeProcess::id)
        .filter(id -> !id.equals(cutOff.id())).toList();
    polling().until(() -> ready(cutOff).status() == 200);
    // the health service follows readiness within a poll period
    polling().until(() -> grpcHealth(cutOff) == ServingStatus.SERVING);

    cluster.network().partition(List.of(List.of(cutOff.id()), majority));

    Ready notReady = polling().until(() -> ready(cutOff), r -> r.status() == 503);
    assertThat(notReady.body().get("ready").asBoolean()).isFalse();
    // unready as soon as no round with the leader succeeds, then it forgets the leader too
    polling().until(() -> ready(cutOff).body().get("reason").asText(),
        "no leader known"::equals);
    polling().until(() -> grpcHealth(cutOff) == ServingStatus.NOT_SERVING);

    // the majority goes on writing, so the cut-off node has entries to catch up on
    NodeProcess majorityLeader = polling().until(
        () -> cluster.leader().map(cluster::node), found -> found.isPresent()
            && !found.get().id().equals(cutOff.id())).orElseThrow();
    for (int i = 0; i < 20; i++) {
      assertThat(put(majorityLeader, "during-partition-" + i, "v" + i)).isEqualTo(200);
    }
    long committedMeanwhile = cluster.admin(majorityLeader)
        .status(StatusRequest.getDefaultInstance()).getCommitIndex();
    polling().until(() -> ready(majorityLeader).status() == 200);
    assertThat(ready(cutOff).status()).isEqualTo(503);

    cluster.network().heal();

    Ready caughtUp = polling().until(() -> ready(cutOff), r -> r.status() == 200);
    assertThat(caughtUp.body().get("applied_index").asLong())
        .isGreaterThanOrEqualTo(committedMeanwhile);
    polling().until(() -> grpcHealth(cutOff) == ServingStatus.SERVING);
    assertThat(staleGet(cutOff, "during-partition-19")).isEqualTo(200);
    assertThat(leader.alive()).isTrue();
  }

  /** A look that times out (a node busy on a loaded machine) is one failed look, not a failure. */
  private static ConditionFactory polling() {
    return await().atMost(DEADLINE).ignoreExceptionsMatching(
        e -> e instanceof IOException || e instanceof StatusRuntimeException);
  }

  private record Ready(int status, JsonNode body) {}

  private Ready ready(NodeProcess node) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://" + node.restAddress() + "/ready"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    return new Ready(response.statusCode(), JSON.readTree(response.body()));
  }

  private int put(NodeProcess node, String key, String value)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://" + node.restAddress() + "/v1/kv/" + key))
        .timeout(Duration.ofSeconds(10))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value + "\"}"))
        .header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Served from the node's own state, so it shows what the node itself has applied. */
  private int staleGet(NodeProcess node, String key) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + node.restAddress()
            + "/v1/kv/" + key + "?consistency=stale")).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private ServingStatus grpcHealth(NodeProcess node) {
    return HealthGrpc.newBlockingStub(cluster.channel(node))
        .withDeadlineAfter(2, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }
}
