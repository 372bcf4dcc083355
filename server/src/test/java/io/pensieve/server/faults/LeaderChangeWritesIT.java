package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.RemoveMemberRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leadership moving while writes pour in: handed over, and taken away by removing the leader
 * from the cluster. A leader proposes writes to its own server and, when it loses the lead with
 * some logged but not yet answered, sends them again to the new leader under the same call id:
 * each write must be applied once (its version is its create revision) and each acknowledged
 * write be read back, whichever member led when it was sent.
 */
class LeaderChangeWritesIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration CHANGE_DEADLINE = Duration.ofSeconds(30);
  private static final int WRITERS = 8;
  private static final int ACKS_BETWEEN_CHANGES = 150;

  /** How the lead moves, in turn; the two removals leave three members. */
  private enum Change { TRANSFER, REMOVE_LEADER }

  private static final List<Change> CHANGES = List.of(Change.TRANSFER, Change.REMOVE_LEADER,
      Change.TRANSFER, Change.REMOVE_LEADER, Change.TRANSFER, Change.TRANSFER);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(5);

  @Test
  void writesInFlightAcrossLeaderChangesAreAppliedOnce() throws Exception {
    List<KvClient> clients = new ArrayList<>();
    for (PensieveNode node : cluster.nodes()) {
      clients.add(KvClient.connect(node));
    }
    List<AckedWriter> writers = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        writers.add(new AckedWriter("moving-" + w, clients).start());
      }
      // given writes flowing through every node, when the lead moves again and again
      for (Change change : CHANGES) {
        awaitMoreAcks(writers, "writes before " + change);
        switch (change) {
          case TRANSFER -> transferLeadership();
          case REMOVE_LEADER -> removeLeader();
        }
      }
      awaitMoreAcks(writers, "writes after the last change");
    } finally {
      writers.forEach(AckedWriter::stop);
    }
    Replicas.awaitSameState(cluster.members(), PATIENCE);

    // then every write that was applied was applied once, and every acknowledged one is there
    KvClient reader = KvClient.connect(cluster.awaitLeader());
    for (AckedWriter writer : writers) {
      Map<String, String> acknowledged = writer.acknowledged();
      for (long i = 0; i < writer.attempts(); i++) {
        String key = writer.key(i);
        GetResponse read = reader.get(key, Consistency.CONSISTENCY_LINEARIZABLE);
        if (acknowledged.containsKey(key)) {
          assertThat(read.getFound()).as("acknowledged %s is there (%s)", key, writer).isTrue();
        }
        if (read.getFound()) {
          assertThat(read.getKv().getVersion()).as("%s written once (%s)", key, writer)
              .isEqualTo(read.getKv().getCreateRevision());
        }
      }
    }
    reader.close();
    clients.forEach(KvClient::close);
  }

  private static void awaitMoreAcks(List<AckedWriter> writers, String what) {
    long acks = totalAcks(writers);
    await(what).atMost(PATIENCE).until(() -> totalAcks(writers) >= acks + ACKS_BETWEEN_CHANGES);
  }

  private static long totalAcks(List<AckedWriter> writers) {
    return writers.stream().mapToLong(AckedWriter::acks).sum();
  }

  /** Hands the lead from the current leader to one of its followers, and waits for it. */
  private static void transferLeadership() throws Exception {
    cluster.transferLeadership(cluster.awaitLeader(), cluster.follower().info().id());
  }

  /** Removes the leader from the cluster, through a follower, and waits for a new leader. */
  private static void removeLeader() {
    String leaderId = cluster.awaitLeader().info().id();
    try (KvClient viaFollower = KvClient.connect(cluster.follower())) {
      ClusterResponse after = viaFollower.admin(CHANGE_DEADLINE).removeMember(
          RemoveMemberRequest.newBuilder().setId(leaderId).build());
      assertThat(after.getMembersList()).extracting(Member::getId).doesNotContain(leaderId);
    }
    await("a new leader").atMost(PATIENCE)
        .until(() -> !cluster.awaitLeader().info().id().equals(leaderId));
  }
}
