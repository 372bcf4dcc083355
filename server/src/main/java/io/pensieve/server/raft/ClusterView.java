package io.pensieve.server.raft;

import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.Role;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/** The cluster as this node sees it: members, roles, addresses, leader and term. */
public final class ClusterView {
  private ClusterView() {}

  /**
   * @param self this node's own addresses, shown even before its advertisement is applied
   */
  public static ClusterResponse of(RaftNode raft, MemberAddresses self) {
    RaftServer.Division division = raft.division();
    DivisionInfo info = division.getInfo();
    Optional<RaftPeerId> leader = Optional.ofNullable(info.getLeaderId());
    Map<String, MemberAddresses> advertised = raft.stateMachine().memberAddresses();
    advertised.put(self.getMemberId(), self);
    Set<RaftPeerId> listeners = division.getRaftConf().getCurrentPeers(RaftPeerRole.LISTENER)
        .stream().map(RaftPeer::getId).collect(Collectors.toSet());

    ClusterResponse.Builder cluster = ClusterResponse.newBuilder()
        .setLeaderId(leader.map(RaftPeerId::toString).orElse(""))
        .setTerm(info.getCurrentTerm());
    for (RaftPeer peer : raft.members()) {
      cluster.addMembers(member(peer,
          roleOf(peer.getId(), raft.localId(), info, leader, listeners), advertised));
    }
    return cluster.build();
  }

  /** A member with the addresses it advertised (none yet for a member just added). */
  public static Member member(RaftPeer peer, Role role, Map<String, MemberAddresses> advertised) {
    MemberAddresses addresses = advertised.getOrDefault(peer.getId().toString(),
        MemberAddresses.getDefaultInstance());
    return Member.newBuilder()
        .setId(peer.getId().toString())
        .setRole(role)
        .setRaftAddress(peer.getAddress())
        .setRestAddress(addresses.getRestAddress())
        .setGrpcAddress(addresses.getGrpcAddress())
        .build();
  }

  private static Role roleOf(RaftPeerId peer, RaftPeerId self, DivisionInfo info,
      Optional<RaftPeerId> leader, Set<RaftPeerId> listeners) {
    if (leader.isPresent() && leader.get().equals(peer)) {
      return Role.ROLE_LEADER;
    }
    if (listeners.contains(peer)) {
      return Role.ROLE_LEARNER;
    }
    if (peer.equals(self) && info.isCandidate()) {
      return Role.ROLE_CANDIDATE;
    }
    return Role.ROLE_FOLLOWER;
  }
}
