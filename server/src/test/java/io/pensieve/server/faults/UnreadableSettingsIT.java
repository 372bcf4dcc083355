package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.api.RequestLimits;
import io.pensieve.internal.v1.Command;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.GetSettingsRequest;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.Settings;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.statemachine.CommandKinds;
import io.pensieve.statemachine.StateMachineHalt;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A change of settings while a member still runs the previous version. That version's
 * ConfigureCommand lacks the request bounds (max_txn_ops and its siblings): handed a change of
 * one, it must halt at that entry rather than apply the rest and go on with other bounds than
 * the upgraded members. A change of the settings it knows must go through everywhere. The
 * follower plays that version: its state machine does not apply configure_request_bounds.
 */
class UnreadableSettingsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String OLDER_BUILD = "n3";
  private static final long DEFAULT_TTL_MILLIS = 120_000;
  private static final int MAX_TXN_OPS = 4;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> {
    if (builder.nodeId().equals(OLDER_BUILD)) {
      builder.appliedCommandKinds(
          CommandKinds.allBut(Command.KindCase.CONFIGURE_REQUEST_BOUNDS));
    }
  });

  @Test
  void aChangeOfANewSettingHaltsTheOlderBuildAndAChangeOfAnOldOneDoesNot() throws Exception {
    // given a cluster done settling: configured by its first leader, every address advertised
    for (PensieveNode node : cluster.nodes()) {
      await(node.info().id() + " knows every member's addresses and the settings")
          .atMost(PATIENCE).until(() -> node.stateMachine().isConfigured() && settled(node));
    }
    PensieveNode older = cluster.node(OLDER_BUILD);
    List<PensieveNode> others = cluster.nodes().stream().filter(n -> n != older).toList();

    // when the older build leads, it refuses a change of a bound: it never enters the log
    cluster.transferLeadership(cluster.awaitLeader(), OLDER_BUILD);
    try (KvClient client = KvClient.connect(others.get(0))) {
      assertThatThrownBy(() -> update(client, ConfigureCommand.newBuilder()
          .setMaxTxnOps(MAX_TXN_OPS)))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("configure_request_bounds");
          });
    }
    cluster.transferLeadership(older, others.get(0).info().id());

    // and, following, it applies a change of a setting its version knows, like the others
    try (KvClient client = KvClient.connect(others.get(0))) {
      Settings changed = update(client, ConfigureCommand.newBuilder()
          .setDefaultTtlMillis(DEFAULT_TTL_MILLIS));
      assertThat(changed.getDefaultTtlMillis()).isEqualTo(DEFAULT_TTL_MILLIS);
      assertThat(changed.getMaxTxnOps()).isEqualTo(RequestLimits.DEFAULT_TXN_OPS);
    }
    DigestResult beforeBound = Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    assertThat(older.halt()).isEmpty();
    assertThat(older.stateMachine().settings().defaultTtlMillis()).isEqualTo(DEFAULT_TTL_MILLIS);

    // when a change of max_txn_ops is committed while it follows
    await("a change of max_txn_ops committed while " + OLDER_BUILD + " follows")
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
        .until(() -> setMaxTxnOpsWhileOlderBuildFollows(others.get(0)));

    // then it halts at that entry, with the settings and state from just before it
    StateMachineHalt halt = await("the older build halts").atMost(PATIENCE)
        .until(older::halt, Optional::isPresent).orElseThrow();
    assertThat(halt.command()).isEqualTo("configure_request_bounds");
    assertThat(halt.index()).isGreaterThan(beforeBound.getAppliedIndex());
    DigestResult halted = older.stateMachine().digest();
    assertThat(halted.getAppliedIndex()).isEqualTo(halt.index() - 1);
    assertThat(halted.getSha256()).isEqualTo(beforeBound.getSha256());
    assertThat(older.stateMachine().settings().maxTxnOps())
        .isEqualTo(RequestLimits.DEFAULT_TXN_OPS);

    // and the others apply it and go on, equal to each other
    try (KvClient client = KvClient.connect(others.get(1))) {
      Settings inForce = client.admin().getSettings(GetSettingsRequest.getDefaultInstance());
      assertThat(inForce.getMaxTxnOps()).isEqualTo(MAX_TXN_OPS);
      assertThat(inForce.getDefaultTtlMillis()).isEqualTo(DEFAULT_TTL_MILLIS);
      client.put("after", "v");
    }
    DigestResult after = Replicas.awaitSameState(others, PATIENCE);
    assertThat(after.getAppliedIndex()).isGreaterThan(halt.index());
    for (PensieveNode other : others) {
      assertThat(other.halt()).isEmpty();
      assertThat(other.stateMachine().settings().maxTxnOps()).isEqualTo(MAX_TXN_OPS);
    }
    assertThat(older.halt()).contains(halt);
    assertThat(older.stateMachine().digest()).isEqualTo(halted);
  }

  /**
   * Sends the change through {@code via}; false when the older build led and refused it, after
   * moving the lead away from it.
   */
  private static boolean setMaxTxnOpsWhileOlderBuildFollows(PensieveNode via) {
    PensieveNode leader = cluster.awaitLeader();
    if (leader.info().id().equals(OLDER_BUILD)) {
      try {
        cluster.transferLeadership(leader, via.info().id());
      } catch (IOException | AssertionError e) {
        // an election under way: the next round tries again
      }
      return false;
    }
    try (KvClient client = KvClient.connect(via)) {
      return update(client, ConfigureCommand.newBuilder().setMaxTxnOps(MAX_TXN_OPS))
          .getMaxTxnOps() == MAX_TXN_OPS;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        return false; // the older build took the lead meanwhile and refused it
      }
      throw e;
    }
  }

  private static Settings update(KvClient client, ConfigureCommand.Builder changes) {
    return client.admin().updateSettings(UpdateSettingsRequest.newBuilder()
        .setChanges(changes).build()).getSettings();
  }

  private static boolean settled(PensieveNode node) {
    try (KvClient client = KvClient.connect(node)) {
      List<Member> members =
          client.kv().cluster(ClusterRequest.getDefaultInstance()).getMembersList();
      return members.size() == cluster.nodes().size() && members.stream()
          .allMatch(m -> !m.getRestAddress().isEmpty() && !m.getGrpcAddress().isEmpty());
    }
  }
}
