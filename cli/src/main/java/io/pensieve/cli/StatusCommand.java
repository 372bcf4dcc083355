package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.Role;
import io.pensieve.proto.v1.StatusRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status",
    description = {"Every member's own view of the cluster.",
        "Role, term, commit and applied index, time since it last heard from the leader, latest"
            + " snapshot, keys, gRPC address. A member that does not answer is a row that says"
            + " so; one whose state machine halted shows HALTED at the log index it stopped at"
            + " (-o json gives the reason)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl status",
        "  pvctl status -o json"})
final class StatusCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    ClusterResponse members = Members.list(session.cluster());
    StatusRequest request = StatusRequest.getDefaultInstance();
    List<EachMember.Reply<NodeStatus>> replies = EachMember.call(session.cluster(), members,
        stubs -> stubs.admin().status(request));

    Table table = new Table("ID", "ROLE", "TERM", "COMMIT", "APPLIED", "LEADER-CONTACT",
        "SNAPSHOT", "KEYS", "ADDRESS");
    ObjectNode json = ProtoJson.object().put("leader_id", members.getLeaderId())
        .put("term", members.getTerm());
    ArrayNode rows = json.putArray("members");
    for (EachMember.Reply<NodeStatus> reply : replies) {
      String id = reply.member().getId();
      String address = Members.orDash(reply.member().getGrpcAddress());
      ObjectNode row = rows.addObject().put("id", id).put("grpc_address", reply.member().getGrpcAddress())
          .put("reachable", reply.answered());
      if (!reply.answered()) {
        row.set("error", reply.errorJson());
        table.row(id, reply.errorCell(), null, null, null, null, null,
            null, address);
        continue;
      }
      NodeStatus status = reply.get();
      row.set("status", ProtoJson.toJson(status));
      table.row(id, role(status), status.getTerm(),
          status.getCommitIndex(), status.getAppliedIndex(),
          leaderContact(status), status.getSnapshotIndex(),
          status.getEntries(), address);
    }
    session.output().emit(json, table);
    return ExitCode.OK;
  }

  /** The member's role, or where its state machine halted: it then has none. */
  static String role(NodeStatus status) {
    return status.hasHalt() ? "HALTED at " + status.getHalt().getIndex()
        : ProtoJson.enumName(status.getRole().getValueDescriptor());
  }

  /** {@code -} on the leader itself, {@code never} before any contact, else how long ago. */
  static String leaderContact(NodeStatus status) {
    if (status.getRole() == Role.ROLE_LEADER) {
      return "-";
    }
    long millisAgo = status.getLeaderContactMillisAgo();
    return millisAgo < 0 ? "never" : Durations.format(Duration.ofMillis(millisAgo)) + " ago";
  }
}
