package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A follower that was stopped catches up when it restarts: from the leader's log when the log
 * still holds what it missed, and from a snapshot installed by the leader when the log was
 * purged past it. Snapshots every 50 entries and 16 KiB log segments make purging happen
 * after a few thousand writes.
 *
 * <p>The log case runs first: Ratis purges only once a snapshot lies 1024 indexes past the last
 * purge, so on a young cluster the log certainly covers what the follower missed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatchUpIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** Writes per round while waiting for the leader to purge; a round is sent all at once. */
  private static final int ROUND_KEYS = 24;
  /** Far more than purging needs; reaching it means the log is not being purged. */
  private static final int MAX_KEYS = 20_000;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> builder
      .snapshotEveryEntries(50)
      .logSegmentBytes(16 * 1024));

  @Test
  @Order(1)
  void aRestartedFollowerCatchesUpFromTheLeadersLog() throws Exception {
    PensieveNode follower = cluster.followers().get(0);
    String followerId = follower.info().id();
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    long followerIndex = follower.stateMachine().digest().getAppliedIndex();

    // given writes the follower misses while it is down
    cluster.stop(followerId);
    Map<String, String> missed = new LinkedHashMap<>();
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      for (int i = 0; i < 20; i++) {
        client.put("log-" + i, "missed-" + i);
        missed.put("log-" + i, "missed-" + i);
      }
    }
    for (PensieveNode node : cluster.nodes()) {
      assertThat(logStart(node)).as("%s's log still holds what the follower lacks",
          node.info().id()).isLessThanOrEqualTo(followerIndex + 1);
    }

    // when it restarts
    PensieveNode restarted = cluster.restart(followerId);

    // then it reaches the leader's state from the log alone
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    assertThat(restarted.stateMachine().snapshotsInstalled()).isZero();
    try (KvClient client = KvClient.connect(restarted)) {
      Replicas.assertAllReadable(followerId, client, missed);
    }
  }

  @Test
  @Order(2)
  void aFollowerThatMissedAPurgedLogReceivesASnapshot() throws Exception {
    PensieveNode follower = cluster.followers().get(0);
    String followerId = follower.info().id();
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    long followerIndex = follower.stateMachine().digest().getAppliedIndex();

    // given the leader purges the entries the stopped follower lacks
    cluster.stop(followerId);
    cluster.awaitLeader();
    List<PensieveNode> live = cluster.nodes();
    Map<String, String> written = new LinkedHashMap<>();
    try (KvClient first = KvClient.connect(live.get(0));
        KvClient second = KvClient.connect(live.get(1))) {
      // either live node may lead when the follower returns: both must have purged
      while (live.stream().anyMatch(n -> logStart(n) <= followerIndex + 1)) {
        assertThat(written).as("keys written without the leader purging its log")
            .hasSizeLessThan(MAX_KEYS);
        // through both live nodes, so that each log entry carries few writes
        Map<String, String> viaFirst = new LinkedHashMap<>();
        Map<String, String> viaSecond = new LinkedHashMap<>();
        for (int i = 0; i < ROUND_KEYS; i++) {
          int n = written.size() + i;
          (i % 2 == 0 ? viaFirst : viaSecond)
              .put(String.format("snap-%05d", n), "value-" + n + "-" + "x".repeat(40));
        }
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> second.putAll(viaSecond));
        first.putAll(viaFirst);
        other.join();
        written.putAll(viaFirst);
        written.putAll(viaSecond);
      }
    }
    System.out.printf("CatchUpIT: %d keys written while %s was down; the live logs start at "
            + "%d and %d, the follower had applied %d%n", written.size(), followerId,
        logStart(live.get(0)), logStart(live.get(1)), followerIndex);

    // when it restarts
    PensieveNode restarted = cluster.restart(followerId);

    // then the leader sends it a snapshot and it reaches the same state
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    assertThat(restarted.stateMachine().snapshotsInstalled()).isPositive();
    try (KvClient client = KvClient.connect(restarted)) {
      Replicas.assertAllReadable(followerId, client, written);
    }
  }

  /** The first index still in the node's Raft log; purging moves it forward. */
  private static long logStart(PensieveNode node) {
    return node.raft().division().getRaftLog().getStartIndex();
  }
}
