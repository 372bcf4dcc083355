package io.pensieve.server.admin;

import io.pensieve.proto.v1.FollowerProgress;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.Role;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.server.Version;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.rest.NodeInfo;
import io.pensieve.statemachine.StateMachineHalt;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.SnapshotInfo;

/** One node's own view of itself, for {@code pvctl status}: answered even by a non-member. */
public final class NodeStatusView {
  private NodeStatusView() {}

  public static NodeStatus of(RaftNode raft, NodeInfo info) {
    NodeStatus.Builder status = NodeStatus.newBuilder()
        .setNodeId(info.id())
        .setVersion(Version.current())
        .setRaftAddress(info.raftAddress())
        .setRestAddress(info.restAddress())
        .setGrpcAddress(info.grpcAddress())
        .setMember(raft.isMember())
        .setLeaderContactMillisAgo(-1);
    StatsResponse stats = raft.stateMachine().stats();
    status.setEntries(stats.getEntries()).setBytes(stats.getBytes())
        .setAppliedIndex(raft.stateMachine().getLastAppliedTermIndex().getIndex());
    SnapshotInfo snapshot = raft.stateMachine().getLatestSnapshot();
    status.setSnapshotIndex(snapshot == null ? 0 : snapshot.getIndex());
    Optional<StateMachineHalt> halt = raft.stateMachine().halt();
    if (halt.isPresent()) {
      // its member of the group is closed: it has no role, term or leader to report
      return status.setHalt(io.pensieve.proto.v1.StateMachineHalt.newBuilder()
          .setTerm(halt.get().term())
          .setIndex(halt.get().index())
          .setCommand(halt.get().command())
          .setReason(halt.get().reason())).build();
    }
    if (!status.getMember()) {
      return status.build();
    }
    RaftServer.Division division = raft.division();
    DivisionInfo divisionInfo = division.getInfo();
    RoleInfoProto role = divisionInfo.getRoleInfoProto();
    status.setTerm(divisionInfo.getCurrentTerm())
        .setCommitIndex(division.getRaftLog().getLastCommittedIndex())
        .setLeaderId(raft.leaderId().map(Object::toString).orElse(""));
    switch (role.getRole()) {
      case LEADER -> {
        status.setRole(Role.ROLE_LEADER).setLeaderContactMillisAgo(0);
        addFollowers(status, role.getLeaderInfo().getFollowerInfoList(),
            divisionInfo.getFollowerMatchIndices());
      }
      case FOLLOWER, LISTENER -> {
        status.setRole(role.getRole() == RaftPeerRole.LISTENER
            ? Role.ROLE_LEARNER : Role.ROLE_FOLLOWER);
        if (!status.getLeaderId().isEmpty()) {
          status.setLeaderContactMillisAgo(
              role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs());
        }
      }
      case CANDIDATE -> status.setRole(Role.ROLE_CANDIDATE).setLeaderContactMillisAgo(
          role.getCandidateInfo().getLastLeaderElapsedTimeMs());
      default -> status.setRole(Role.ROLE_UNSPECIFIED);
    }
    return status.build();
  }

  /** Ratis lists the followers and their match indexes in the same (appender) order. */
  private static void addFollowers(NodeStatus.Builder status, List<ServerRpcProto> followers,
      long[] matchIndices) {
    boolean paired = matchIndices != null && matchIndices.length == followers.size();
    for (int i = 0; i < followers.size(); i++) {
      ServerRpcProto follower = followers.get(i);
      status.addFollowers(FollowerProgress.newBuilder()
          .setId(follower.getId().getId().toStringUtf8())
          .setMatchIndex(paired ? matchIndices[i] : -1)
          .setContactMillisAgo(follower.getLastRpcElapsedTimeMs()));
    }
  }
}
