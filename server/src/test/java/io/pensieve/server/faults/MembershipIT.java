package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.PromoteMemberRequest;
import io.pensieve.proto.v1.RemoveMemberRequest;
import io.pensieve.proto.v1.Role;
import io.pensieve.proto.v1.TransferLeaderRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Membership and leadership changes on a live cluster, through the Admin API of whichever node
 * is at hand (a follower forwards them to the leader), while writes keep coming.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Duration CHANGE_DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  @Test
  @Order(1)
  void growsToFiveAndShrinksBackToThreeWhileAWriterWrites() throws Exception {
    List<KvClient> clients = new ArrayList<>();
    cluster.nodes().forEach(node -> clients.add(KvClient.connect(node)));
    PensieveNode n4 = cluster.startJoining("n4");
    PensieveNode n5 = cluster.startJoining("n5");
    try (KvClient viaFollower = KvClient.connect(cluster.follower());
        AckedWriter writer = new AckedWriter("grow", clients).start()) {
      awaitAcks(writer, 50);

      // a voter added through a follower, a learner added and then promoted
      viaFollower.admin(CHANGE_DEADLINE).addMember(AddMemberRequest.newBuilder()
          .setId("n4").setRaftAddress(n4.info().raftAddress()).build());
      ClusterResponse withLearner = viaFollower.admin(CHANGE_DEADLINE).addMember(
          AddMemberRequest.newBuilder().setId("n5").setRaftAddress(n5.info().raftAddress())
              .setLearner(true).build());
      assertThat(roleOf(withLearner, "n5")).isEqualTo(Role.ROLE_LEARNER);
      awaitAcks(writer, writer.acks() + 50);
      ClusterResponse five = viaFollower.admin(CHANGE_DEADLINE).promoteMember(
          PromoteMemberRequest.newBuilder().setId("n5").build());
      assertThat(ids(five)).containsExactlyInAnyOrder("n1", "n2", "n3", "n4", "n5");
      assertThat(five.getMembersList()).noneMatch(m -> m.getRole() == Role.ROLE_LEARNER);
      await("n4 and n5 serving").atMost(PATIENCE)
          .until(() -> n4.raft().joined() && n5.raft().joined());
      try (KvClient viaN5 = KvClient.connect(n5)) {
        viaN5.put("written-through-n5", "yes");
        assertThat(viaN5.value("written-through-n5")).contains("yes");
      }
      Replicas.assertAllReadable("n5", KvClient.connect(n5), writer.acknowledged());
      awaitAcks(writer, writer.acks() + 50);

      // and back to three
      for (String id : List.of("n4", "n5")) {
        viaFollower.admin(CHANGE_DEADLINE).removeMember(
            RemoveMemberRequest.newBuilder().setId(id).build());
      }
      awaitAcks(writer, writer.acks() + 50);
      writer.stop();

      ClusterResponse three = viaFollower.admin().listMembers(ClusterRequest.getDefaultInstance());
      assertThat(ids(three)).containsExactlyInAnyOrder("n1", "n2", "n3");
      await("n4 and n5 stop serving").atMost(PATIENCE)
          .until(() -> !n4.raft().joined() && !n5.raft().joined());
      Map<String, String> acked = writer.acknowledged();
      assertThat(acked).hasSizeGreaterThan(200);
      Replicas.awaitSameState(cluster.members(), PATIENCE);
      for (PensieveNode member : cluster.members()) {
        try (KvClient client = KvClient.connect(member)) {
          Replicas.assertAllReadable(member.info().id(), client, acked);
        }
      }
    } finally {
      clients.forEach(KvClient::close);
      cluster.stop("n4");
      cluster.stop("n5");
    }
  }

  @Test
  @Order(2)
  void transfersLeadershipToANamedNode() {
    PensieveNode leader = cluster.awaitLeader();
    List<PensieveNode> followers = cluster.followers();
    String target = followers.get(0).info().id();
    try (KvClient viaOther = KvClient.connect(followers.get(1))) {
      ClusterResponse after = viaOther.admin().transferLeader(
          TransferLeaderRequest.newBuilder().setId(target).build());
      assertThat(after.getMembersList()).hasSize(3);
      assertThat(cluster.awaitLeader().info().id()).isEqualTo(target);
      assertThat(leader.raft().isLeader()).isFalse();
      viaOther.put("after-transfer", "ok");
      assertThat(viaOther.value("after-transfer")).contains("ok");
    }
  }

  @Test
  @Order(3)
  void removingTheLeaderLeavesAWorkingCluster() {
    PensieveNode leader = cluster.awaitLeader();
    String leaderId = leader.info().id();
    PensieveNode survivor = cluster.followers().get(0);
    try (KvClient viaSurvivor = KvClient.connect(survivor)) {
      viaSurvivor.put("before-removal", "kept");
      ClusterResponse after = viaSurvivor.admin(CHANGE_DEADLINE).removeMember(
          RemoveMemberRequest.newBuilder().setId(leaderId).build());
      assertThat(ids(after)).hasSize(2).doesNotContain(leaderId);

      PensieveNode newLeader = cluster.awaitLeader();
      assertThat(newLeader.info().id()).isNotEqualTo(leaderId);
      assertThat(cluster.members()).extracting(n -> n.info().id()).doesNotContain(leaderId);
      viaSurvivor.put("after-removal", "works");
      assertThat(viaSurvivor.value("after-removal")).contains("works");
      assertThat(viaSurvivor.value("before-removal")).contains("kept");
      Replicas.awaitSameState(cluster.members(), PATIENCE);
    } finally {
      cluster.stop(leaderId);
    }
  }

  private static void awaitAcks(AckedWriter writer, long atLeast) {
    await("writer acknowledged " + atLeast).atMost(PATIENCE)
        .until(() -> writer.acks() >= atLeast);
  }

  private static List<String> ids(ClusterResponse cluster) {
    return cluster.getMembersList().stream().map(Member::getId).collect(Collectors.toList());
  }

  private static Role roleOf(ClusterResponse cluster, String id) {
    return cluster.getMembersList().stream().filter(m -> m.getId().equals(id))
        .map(Member::getRole).findFirst().orElseThrow();
  }
}
