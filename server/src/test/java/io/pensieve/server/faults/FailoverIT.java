package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.PutResponse;
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
 * Stopping the leader of a three-node cluster while a writer runs: the other two elect a new
 * leader within seconds, writes resume through each of them, no acknowledged write is lost, and
 * the old leader, restarted, catches up to the same state. And with two of three stopped, the
 * last one answers promptly and truthfully: writes not applied or of unknown outcome, stale
 * reads still served.
 */
class FailoverIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  /** The embedded Raft client's longest retry of one write (see RaftTuning). */
  private static final Duration CLIENT_RETRY_WINDOW = Duration.ofSeconds(75);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  @Test
  void aStoppedLeaderIsReplacedAndNoAcknowledgedWriteIsLost() throws Exception {
    PensieveNode oldLeader = cluster.awaitLeader();
    String oldLeaderId = oldLeader.info().id();
    List<KvClient> clients = new ArrayList<>();
    for (PensieveNode node : cluster.nodes()) {
      clients.add(KvClient.connect(node));
    }
    Map<String, String> acknowledged;
    try (AckedWriter writer = new AckedWriter("failover", clients)) {
      writer.start();
      await("writes before the failure").atMost(PATIENCE).until(() -> writer.acks() >= 100);

      // when the leader stops (gracefully: it finishes the requests it took on, then closes)
      long stoppingNanos = System.nanoTime();
      cluster.stop(oldLeaderId);
      PensieveNode newLeader = cluster.awaitLeader();
      Duration election = Duration.ofNanos(System.nanoTime() - stoppingNanos);
      long acksAtElection = writer.acks();

      // then another member leads within seconds
      assertThat(newLeader.info().id()).isNotEqualTo(oldLeaderId);
      assertThat(election).as("time from stopping the leader to an agreed new leader")
          .isLessThan(Duration.ofSeconds(10));

      // and the writer's writes resume
      await("writes after the failover").atMost(PATIENCE)
          .until(() -> writer.acks() >= acksAtElection + 100);

      // and a write through each survivor is read back through the other
      List<PensieveNode> survivors = cluster.nodes();
      for (PensieveNode through : survivors) {
        try (KvClient writeClient = KvClient.connect(through)) {
          String key = "after-failover-via-" + through.info().id();
          // a write the node sent before it learned of the new leader may come back
          // "outcome unknown"; like any client, the test retries (the same value is harmless)
          PutResponse put = await("a write through " + through.info().id()).atMost(PATIENCE)
              .until(() -> putReportingFailures(writeClient, key), p -> p.getVersion() > 0);
          assertThat(put.getVersion()).isPositive();
          for (PensieveNode reader : survivors) {
            try (KvClient readClient = KvClient.connect(reader)) {
              assertThat(readClient.value(key)).as("%s reads %s", reader.info().id(), key)
                  .contains("ok");
            }
          }
        }
      }
      writer.stop();
      acknowledged = writer.acknowledged();
      System.out.printf("FailoverIT: new leader %s agreed %d ms after stopping %s; %s%n",
          newLeader.info().id(), election.toMillis(), oldLeaderId, writer);

      // and every acknowledged write is readable on every survivor
      for (PensieveNode survivor : survivors) {
        try (KvClient client = KvClient.connect(survivor)) {
          Replicas.assertAllReadable(survivor.info().id(), client, acknowledged);
        }
      }
    } finally {
      clients.forEach(KvClient::close);
    }

    // when the old leader restarts, it catches up to exactly the leader's state
    PensieveNode restarted = cluster.restart(oldLeaderId);
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    try (KvClient client = KvClient.connect(restarted)) {
      Replicas.assertAllReadable(oldLeaderId, client, acknowledged);
    }
  }

  @Test
  void withoutAQuorumWritesFailPromptlyWithAClearCodeAndStaleReadsStillServe() throws Exception {
    PensieveNode survivor = cluster.followers().get(0);
    List<String> others = cluster.nodes().stream().map(n -> n.info().id())
        .filter(id -> !id.equals(survivor.info().id())).toList();
    try (KvClient client = KvClient.connect(survivor)) {
      client.put("before-quorum-loss", "kept");
      await("the survivor applied the write").atMost(PATIENCE)
          .until(() -> client.staleValue("before-quorum-loss").isPresent());

      // when two of three members stop, the third can neither commit nor confirm leadership
      others.forEach(cluster::stop);

      // then a write fails within the request timeout (5 s here), as either "not applied, no
      // leader" or "outcome unknown", answered by the node rather than by the client's deadline
      long startNanos = System.nanoTime();
      // (raw gRPC: the status and trailer the node answers with are what is under test)
      assertThatThrownBy(() -> client.kv().put(KvClient.putRequest("without-quorum", "maybe")))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            String code = ErrorTrailer.code(e).orElse(null);
            System.out.printf("FailoverIT: a write without quorum failed after %d ms: %s%n",
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), e.getStatus());
            assertThat(e.getStatus().getCode() + "/" + code).as(e.getStatus().toString())
                .isIn("UNAVAILABLE/no_leader", "DEADLINE_EXCEEDED/unknown_outcome");
          });
      // and a linearizable read is refused, while a stale read still serves local state
      assertThatThrownBy(
          () -> client.get("before-quorum-loss", Consistency.CONSISTENCY_LINEARIZABLE))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(ErrorTrailer.code(e)).hasValue("unavailable");
          });
      assertThat(Duration.ofNanos(System.nanoTime() - startNanos))
          .as("both failures answered within their timeouts").isLessThan(Duration.ofSeconds(15));
      assertThat(client.staleValue("before-quorum-loss")).contains("kept");

      // and once the others are back, with one of them leading, the survivor serves
      // linearizable reads at once: its channel to that leader failed throughout the outage
      for (String id : others) {
        cluster.restart(id);
      }
      leadFrom(survivor, others.get(0));
      assertThat(client.value("before-quorum-loss")).contains("kept");
      // and writes through it succeed again
      // (the node's embedded client may still be retrying the write it sent without a
      // quorum, for up to its whole retry window; later writes queue behind it)
      await("a write through the survivor succeeds").atMost(CLIENT_RETRY_WINDOW)
          .until(() -> putReportingFailures(client, "after-quorum-is-back").getVersion() > 0);
    }
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
  }

  /** A put; a failure is printed (for the test's log) and answered as version 0. */
  private static PutResponse putReportingFailures(KvClient client, String key) {
    try {
      return client.put(key, "ok");
    } catch (PensieveException e) {
      System.out.printf("FailoverIT: a write of %s failed: %s%n", key, e.getMessage());
      return PutResponse.getDefaultInstance();
    }
  }

  /** Makes {@code target} the leader, asking through {@code member}'s view of the group. */
  private static void leadFrom(PensieveNode member, String target) throws Exception {
    PensieveNode leader = cluster.awaitLeader();
    if (leader.info().id().equals(target)) {
      return;
    }
    cluster.transferLeadership(member, target);
  }
}
