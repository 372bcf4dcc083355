package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.Role;
import io.pensieve.proto.v1.StateMachineHalt;
import org.junit.jupiter.api.Test;

/** {@code pvctl status}'s ROLE column: a member's role, or where its state machine halted. */
class StatusRoleTest {
  @Test
  void aMemberShowsItsRole() {
    NodeStatus status = NodeStatus.newBuilder().setRole(Role.ROLE_FOLLOWER).build();

    assertThat(StatusCommand.role(status)).isEqualTo(
        ProtoJson.enumName(Role.ROLE_FOLLOWER.getValueDescriptor()));
  }

  @Test
  void aHaltedMemberShowsTheIndexItStoppedAt() {
    NodeStatus status = NodeStatus.newBuilder().setRole(Role.ROLE_FOLLOWER)
        .setHalt(StateMachineHalt.newBuilder().setIndex(26).setTerm(4)
            .setCommand("compare_and_set").setReason("not applied by this build"))
        .build();

    assertThat(StatusCommand.role(status)).isEqualTo("HALTED at 26");
  }
}
