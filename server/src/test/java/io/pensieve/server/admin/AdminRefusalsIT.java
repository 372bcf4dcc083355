package io.pensieve.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.GetSettingsRequest;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.PromoteMemberRequest;
import io.pensieve.proto.v1.RemoveMemberRequest;
import io.pensieve.proto.v1.Settings;
import io.pensieve.proto.v1.StatusRequest;
import io.pensieve.proto.v1.TransferLeaderRequest;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.server.process.NodeProcess;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Wrong admin requests are refused with a status and a message that say what is wrong, and
 * leave the membership, the settings and the data exactly as they were.
 */
class AdminRefusalsIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  private KvClient client;
  private List<Member> membersBefore;
  private Settings settingsBefore;

  @BeforeEach
  void connect() {
    client = KvClient.connect(cluster.follower());
    membersBefore = members();
    settingsBefore = client.admin().getSettings(GetSettingsRequest.getDefaultInstance());
  }

  @AfterEach
  void clusterUnchanged() {
    assertThat(members()).isEqualTo(membersBefore);
    assertThat(client.admin().getSettings(GetSettingsRequest.getDefaultInstance()))
        .isEqualTo(settingsBefore);
    client.close();
  }

  @Test
  void anUnknownMemberIdIsNotFound() {
    refused(() -> client.admin().removeMember(remove("n9")), Status.Code.NOT_FOUND,
        "no member n9; members are [n1, n2, n3]");
    refused(() -> client.admin().promoteMember(PromoteMemberRequest.newBuilder().setId("n9")
        .build()), Status.Code.NOT_FOUND, "no member n9");
    refused(() -> client.admin().transferLeader(TransferLeaderRequest.newBuilder().setId("n9")
        .build()), Status.Code.NOT_FOUND, "no member n9");
  }

  @Test
  void addingAnIdOrAnAddressThatExistsIsRefused() {
    refused(() -> client.admin().addMember(add("n2", "127.0.0.1:1")),
        Status.Code.ALREADY_EXISTS, "n2 is already a member");
    String n3Address = cluster.node("n3").info().raftAddress();
    refused(() -> client.admin().addMember(add("n7", n3Address)),
        Status.Code.ALREADY_EXISTS, "member n3 already has the address " + n3Address);
  }

  @Test
  void anUnreachableAddressIsRefused() {
    String nobody = "127.0.0.1:" + NodeProcess.freePort();
    refused(() -> client.admin(Duration.ofSeconds(30)).addMember(add("n4", nobody)),
        Status.Code.FAILED_PRECONDITION, "cannot reach n4 at " + nobody);
  }

  @Test
  void aNodeThatIsAlreadyAMemberOfACluster() {
    String member = cluster.node("n1").info().raftAddress();
    // n1's address under another id: the node there is n1 and already belongs to a cluster
    refused(() -> client.admin().addMember(add("n1", member)), Status.Code.ALREADY_EXISTS,
        "n1 is already a member");
  }

  @Test
  void malformedRequestsAreInvalid() {
    refused(() -> client.admin().addMember(add("bad id!", "127.0.0.1:1")),
        Status.Code.INVALID_ARGUMENT, "a member id is");
    refused(() -> client.admin().addMember(add("n4", "no-port")),
        Status.Code.INVALID_ARGUMENT, "a Raft address is host:port, got 'no-port'");
    refused(() -> client.admin().updateSettings(UpdateSettingsRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT, "name at least one setting");
  }

  @Test
  void aSettingOutOfRangeChangesNothing() {
    refused(() -> client.admin().updateSettings(UpdateSettingsRequest.newBuilder()
            .setChanges(ConfigureCommand.newBuilder().setMaxEntries(100)
                .setMaxKeyBytes(1 << 30)).build()),
        Status.Code.INVALID_ARGUMENT, "max_key_bytes");
  }

  @Test
  void removingAMemberWhenThatWouldLoseQuorumOfTheLiveNodesIsRefused() throws Exception {
    List<PensieveNode> followers = cluster.followers();
    String down = followers.get(0).info().id();
    String alive = followers.get(1).info().id();
    cluster.stop(down);
    try (KvClient viaAlive = KvClient.connect(followers.get(1));
        KvClient viaLeader = KvClient.connect(cluster.awaitLeader())) {
      // once the leader has not heard from the stopped follower for longer than the liveness
      // window (the election timeout, 500 ms here), removing the other one would leave one
      // live voter of two
      await(down + " silent on the leader").atMost(Duration.ofSeconds(30))
          .until(() -> viaLeader.admin().status(StatusRequest.getDefaultInstance())
              .getFollowersList().stream()
              .anyMatch(f -> f.getId().equals(down) && f.getContactMillisAgo() > 2_000));
      refused(() -> viaAlive.admin().removeMember(remove(alive)),
          Status.Code.FAILED_PRECONDITION, "short of a majority");
    } finally {
      cluster.restart(down);
      cluster.awaitLeader();
    }
  }

  /**
   * The membership: ids and Raft addresses. Not the role (a test restarts a node, which may
   * move leadership) nor the client addresses, which a restarted node advertises a moment
   * after it rejoins.
   */
  private List<Member> members() {
    ClusterResponse cluster = client.admin().listMembers(ClusterRequest.getDefaultInstance());
    return cluster.getMembersList().stream().map(m -> Member.newBuilder().setId(m.getId())
        .setRaftAddress(m.getRaftAddress()).build()).toList();
  }

  /**
   * Asserts the refusal, sending the call again while it is UNAVAILABLE, as a client would: a
   * test before may have restarted a node, and the cluster may still be settling.
   */
  private static void refused(ThrowingCallable call, Status.Code code, String message) {
    StatusRuntimeException refusal = await().atMost(Duration.ofSeconds(30))
        .until(() -> catchThrowableOfType(StatusRuntimeException.class, call),
            e -> e == null || e.getStatus().getCode() != Status.Code.UNAVAILABLE);
    assertThat(refusal).as("refused with " + code).isNotNull();
    assertThat(refusal.getStatus().getCode()).isEqualTo(code);
    assertThat(refusal.getStatus().getDescription()).contains(message);
  }

  private static AddMemberRequest add(String id, String address) {
    return AddMemberRequest.newBuilder().setId(id).setRaftAddress(address).build();
  }

  private static RemoveMemberRequest remove(String id) {
    return RemoveMemberRequest.newBuilder().setId(id).build();
  }
}
