package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.Member;
import java.time.Duration;

/** The cluster's members as the nodes list them, and how pvctl prints them. */
final class Members {
  /** The deadline of a call to each member in turn (status, stats, health). */
  static final Duration PER_MEMBER_DEADLINE = Duration.ofSeconds(3);

  private Members() {}

  /**
   * Admin.ListMembers from the first endpoint that answers; KV.Cluster, which answers the same,
   * from a node that predates the Admin service.
   */
  static ClusterResponse list(Cluster cluster) {
    ClusterRequest request = ClusterRequest.getDefaultInstance();
    return cluster.call(RequestKind.READ, stubs -> {
      try {
        return stubs.admin().listMembers(request);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          return stubs.kv().cluster(request);
        }
        throw e;
      }
    });
  }

  /** The member with this id; exits 1 when there is none. */
  static Member find(ClusterResponse members, String id) {
    return members.getMembersList().stream()
        .filter(m -> m.getId().equals(id))
        .findFirst()
        .orElseThrow(() -> CliError.failed("no member '" + id + "' (not_found)"));
  }

  /** The member's gRPC address; exits 1 when it never advertised one. */
  static String grpcAddress(Member member) {
    if (member.getGrpcAddress().isEmpty()) {
      throw CliError.failed("member '" + member.getId()
          + "' has not advertised its gRPC address yet (unavailable)");
    }
    return member.getGrpcAddress();
  }

  static Duration perMemberDeadline(Cluster cluster) {
    return cluster.timeout().compareTo(PER_MEMBER_DEADLINE) < 0
        ? cluster.timeout()
        : PER_MEMBER_DEADLINE;
  }

  static ObjectNode json(ClusterResponse members) {
    return ProtoJson.toJson(members);
  }

  static Table table(ClusterResponse members) {
    Table table = new Table("ID", "ROLE", "GRPC", "REST", "RAFT");
    for (Member member : members.getMembersList()) {
      table.row(member.getId(), ProtoJson.enumName(member.getRole().getValueDescriptor()),
          orDash(member.getGrpcAddress()), orDash(member.getRestAddress()),
          orDash(member.getRaftAddress()));
    }
    return table;
  }

  /** {@code -} for an address a member has not advertised. */
  static String orDash(String text) {
    return text.isEmpty() ? "-" : text;
  }

  /** The leader, term and the leader's addresses. */
  static void printLeader(Output output, ClusterResponse members) {
    if (members.getLeaderId().isEmpty()) {
      throw CliError.unavailable("no leader is known (term " + members.getTerm()
          + "); the cluster may be electing one (no_leader)");
    }
    Member leader = members.getMembersList().stream()
        .filter(m -> m.getId().equals(members.getLeaderId()))
        .findFirst()
        .orElse(Member.newBuilder().setId(members.getLeaderId()).build());
    ObjectNode json = ProtoJson.object().put("leader_id", leader.getId())
        .put("term", members.getTerm())
        .put("grpc_address", leader.getGrpcAddress())
        .put("rest_address", leader.getRestAddress())
        .put("raft_address", leader.getRaftAddress());
    output.emit(json, new Fields()
        .add("leader", leader.getId())
        .add("term", members.getTerm())
        .add("grpc_address", orDash(leader.getGrpcAddress()))
        .add("rest_address", orDash(leader.getRestAddress()))
        .add("raft_address", orDash(leader.getRaftAddress())));
  }
}
