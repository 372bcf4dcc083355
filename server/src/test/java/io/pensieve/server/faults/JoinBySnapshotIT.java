package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.TakeSnapshotRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node added to a cluster holding 100,000 keys, whose leader has purged its log behind a
 * snapshot, receives that snapshot (not the log) and ends with the leader's exact state.
 */
class JoinBySnapshotIT {
  private static final int KEYS = 100_000;
  private static final int BATCH = 5_000;
  private static final int PURGE_GAP = 1_100;
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> builder
      .snapshotEveryEntries(200)
      .logSegmentBytes(64 * 1024));

  @Test
  void aNewMemberCatchesUpBySnapshotAndEndsWithTheLeadersDigest() throws Exception {
    PensieveNode leader = cluster.awaitLeader();
    try (KvClient client = KvClient.connect(leader)) {
      for (int from = 0; from < KEYS; from += BATCH) {
        Map<String, String> batch = new LinkedHashMap<>();
        for (int i = from; i < from + BATCH; i++) {
          batch.put("key-" + i, "value-" + i);
        }
        client.putAll(batch);
      }
      // the puts above filled few, large entries; Ratis purges once a snapshot lies 1,024
      // indexes past the log's start, so one-write entries carry the index past that
      for (int i = 0; i < PURGE_GAP; i++) {
        client.put("key-" + i, "value-" + i);
      }
      client.admin(PATIENCE).takeSnapshot(TakeSnapshotRequest.getDefaultInstance());
      await("the leader's log purged past its start").atMost(PATIENCE)
          .until(() -> leader.raft().division().getRaftLog().getStartIndex() > 1);

      PensieveNode joiner = cluster.startJoining("n4");
      client.admin(PATIENCE).addMember(AddMemberRequest.newBuilder().setId("n4")
          .setRaftAddress(joiner.info().raftAddress()).build());

      DigestResult digest = Replicas.awaitSameState(cluster.members(), PATIENCE);
      assertThat(digest.getEntries()).isEqualTo(KEYS);
      assertThat(joiner.stateMachine().snapshotsInstalled()).isGreaterThanOrEqualTo(1);
      await("n4 serving").atMost(PATIENCE).until(() -> joiner.raft().joined());
      try (KvClient viaJoiner = KvClient.connect(joiner)) {
        assertThat(viaJoiner.value("key-0")).contains("value-0");
        assertThat(viaJoiner.value("key-" + (KEYS - 1))).contains("value-" + (KEYS - 1));
      }
    }
  }
}
