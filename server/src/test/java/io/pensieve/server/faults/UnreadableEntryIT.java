package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.internal.v1.Command;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.StatusRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.statemachine.CommandKinds;
import io.pensieve.statemachine.StateMachineHalt;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A follower handed a committed entry it cannot apply stops there rather than skip it, and says
 * why; the other two members go on as a cluster and stay equal. The follower plays a node of an
 * older build, one that predates compare-and-set: the rolling-upgrade case of a command kind
 * added by a newer version.
 */
class UnreadableEntryIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String OLDER_BUILD = "n3";
  private static final int WRITES = 20;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> {
    if (builder.nodeId().equals(OLDER_BUILD)) {
      builder.appliedCommandKinds(CommandKinds.allBut(Command.KindCase.COMPARE_AND_SET));
    }
  });

  private final RestClient rest = new RestClient();

  @Test
  void aFollowerThatCannotApplyAnEntryHaltsThereAndTheOthersGoOn() throws Exception {
    // given a cluster done settling (every member advertised its addresses and the first leader
    // configured it: log entries that, landing after the digest below, would change it), and
    // every member applied the same writes
    for (PensieveNode node : cluster.nodes()) {
      await(node.info().id() + " knows every member's addresses and the settings").atMost(PATIENCE)
          .until(() -> node.stateMachine().isConfigured() && everyMemberAdvertised(node));
    }
    PensieveNode older = cluster.node(OLDER_BUILD);
    List<PensieveNode> others = cluster.nodes().stream().filter(n -> n != older)
        .collect(Collectors.toList());
    try (KvClient client = KvClient.connect(others.get(0))) {
      for (int i = 0; i < WRITES; i++) {
        client.put("before-" + i, "v" + i);
      }
    }
    DigestResult beforeCas = Replicas.awaitSameState(cluster.nodes(), PATIENCE);

    // when a compare-and-set is committed while the older build follows: a majority applies it
    await("a compare-and-set committed while " + OLDER_BUILD + " follows").atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .until(UnreadableEntryIT::compareAndSetWhileOlderBuildFollows);

    // then the older build halts at that entry, having applied everything before it and
    // nothing of it: its state is the cluster's state just before the compare-and-set
    StateMachineHalt halt = await("the older build halts").atMost(PATIENCE)
        .until(older::halt, Optional::isPresent).orElseThrow();
    assertThat(halt.command()).isEqualTo("compare_and_set");
    assertThat(halt.index()).isGreaterThan(beforeCas.getAppliedIndex());
    DigestResult halted = older.stateMachine().digest();
    assertThat(halted.getAppliedIndex()).isEqualTo(halt.index() - 1);
    assertThat(halted.getSha256()).isEqualTo(beforeCas.getSha256());
    assertThat(halted.getRevision()).isEqualTo(beforeCas.getRevision());
    assertThat(older.stateMachine().readLocal(List.of(KvClient.utf8("before-0")))
        .getResults(0).getKv().getValue()).isEqualTo(KvClient.utf8("v0"));

    // and it says so: requests refused, /health 503, /ready not ready, metrics, Admin.Status
    assertHaltReported(older, halt);

    // and the other two go on: more writes and compare-and-sets succeed, and they stay equal
    try (KvClient client = KvClient.connect(others.get(0))) {
      for (int i = 0; i < WRITES; i++) {
        client.put("after-" + i, "w" + i);
      }
      assertThat(client.kv().compareAndSet(CompareAndSetRequest.newBuilder()
          .setKey(KvClient.utf8("after-cas")).setValue(KvClient.utf8("created"))
          .setCondition(Condition.newBuilder().setAbsent(true)).build()).getSucceeded())
          .isTrue();
      assertThat(client.get("before-0", Consistency.CONSISTENCY_LINEARIZABLE).getKv()
          .getValue()).isEqualTo(KvClient.utf8("swapped"));
    }
    DigestResult afterCas = Replicas.awaitSameState(others, PATIENCE);
    assertThat(afterCas.getAppliedIndex()).isGreaterThan(halt.index());
    assertThat(afterCas.getEntries()).isEqualTo(2L * WRITES + 1);

    // while the older build stays where it stopped
    assertThat(older.halt()).contains(halt);
    assertThat(older.stateMachine().digest()).isEqualTo(halted);
    assertThat(older.stateMachine().readLocal(List.of(KvClient.utf8("after-0")))
        .getResults(0).getFound()).isFalse();
  }

  private void assertHaltReported(PensieveNode older, StateMachineHalt halt) {
    String where = "log index " + halt.index();
    try (KvClient client = KvClient.connect(older)) {
      // raw gRPC: the status, description and trailer the node sends are what is under test
      assertThatThrownBy(() -> client.kv().put(KvClient.putRequest("refused", "v")))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains(where, "compare_and_set");
            assertThat(e.getTrailers().get(ErrorTrailer.KEY)).isEqualTo("unavailable");
          });
      assertThatThrownBy(() -> client.get("before-1", Consistency.CONSISTENCY_STALE))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      NodeStatus status = client.admin().status(StatusRequest.getDefaultInstance());
      assertThat(status.hasHalt()).isTrue();
      assertThat(status.getHalt().getIndex()).isEqualTo(halt.index());
      assertThat(status.getHalt().getCommand()).isEqualTo("compare_and_set");
      assertThat(status.getAppliedIndex()).isEqualTo(halt.index() - 1);
    }

    RestClient.Reply refused = rest.get(older, "/v1/kv/before-1");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.text()).contains(where);

    RestClient.Reply health = rest.get(older, "/health");
    assertThat(health.status()).isEqualTo(503);
    JsonNode body = health.json();
    assertThat(body.path("status").asText()).isEqualTo("halted");
    assertThat(body.path("halted").path("index").asLong()).isEqualTo(halt.index());
    assertThat(body.path("halted").path("command").asText()).isEqualTo("compare_and_set");
    assertThat(body.path("halted").path("reason").asText()).isEqualTo(halt.reason());

    RestClient.Reply ready = await("/ready reports the halt").atMost(PATIENCE)
        .until(() -> rest.get(older, "/ready"), reply -> reply.text().contains(where));
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().path("ready").asBoolean()).isFalse();

    String metrics = rest.get(older, "/metrics").text();
    assertThat(metrics).contains("pensieve_state_machine_halted 1.0",
        "pensieve_state_machine_halted_index " + halt.index() + ".0");
    for (PensieveNode other : cluster.nodes()) {
      if (other != older) {
        assertThat(rest.get(other, "/health").status()).isEqualTo(200);
        assertThat(rest.get(other, "/metrics").text())
            .contains("pensieve_state_machine_halted 0.0");
      }
    }
  }

  /**
   * Sends the compare-and-set through a leader other than the older build, first moving the
   * lead away from it if it has it. False when it could not: the older build, leading, refuses
   * a kind it does not apply before it enters the log, so nothing was written.
   */
  private static boolean compareAndSetWhileOlderBuildFollows() {
    PensieveNode leader = cluster.awaitLeader();
    if (leader.info().id().equals(OLDER_BUILD)) {
      try (RaftClient client = TestCluster.raftClientOf(leader.raft())) {
        client.admin().transferLeadership(RaftPeerId.valueOf("n1"), 10_000);
      } catch (IOException | RuntimeException e) {
        // an election under way: the next round tries again
      }
      return false;
    }
    try (KvClient client = KvClient.connect(leader)) {
      return client.kv().compareAndSet(compareAndSet("before-0", 1, "swapped")).getSucceeded();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        return false; // the older build took the lead meanwhile and refused it
      }
      throw e;
    }
  }

  private static CompareAndSetRequest compareAndSet(String key, long version, String value) {
    return CompareAndSetRequest.newBuilder().setKey(KvClient.utf8(key))
        .setValue(KvClient.utf8(value))
        .setCondition(Condition.newBuilder().setVersion(version)).build();
  }

  private static boolean everyMemberAdvertised(PensieveNode node) {
    try (KvClient client = KvClient.connect(node)) {
      List<Member> members =
          client.kv().cluster(ClusterRequest.getDefaultInstance()).getMembersList();
      return members.size() == cluster.nodes().size() && members.stream()
          .allMatch(m -> !m.getRestAddress().isEmpty() && !m.getGrpcAddress().isEmpty());
    }
  }
}
