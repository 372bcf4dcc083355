package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.StatusRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "health",
    description = {"Checks every member's health.",
        "Asks each member's standard gRPC health service (grpc.health.v1) whether it serves"
            + " pensieve.v1.KV, and its own status. Exits 0 when every member is serving and a"
            + " leader is known, 3 otherwise."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl health",
        "  pvctl health -o json && echo healthy"})
final class HealthCommand implements Callable<Integer> {
  /** The service each node reports on. */
  static final String SERVICE = KVGrpc.SERVICE_NAME;

  @Spec
  private CommandSpec spec;

  /**
   * One member's answers: its health, and its own status, or why there is none (empty when the
   * node does not serve Admin.Status).
   */
  record MemberHealth(String serving, Optional<NodeStatus> status, String statusError) {}

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    ClusterResponse members = Members.list(session.cluster());
    HealthCheckRequest check = HealthCheckRequest.newBuilder().setService(SERVICE).build();
    StatusRequest statusRequest = StatusRequest.getDefaultInstance();
    List<EachMember.Reply<MemberHealth>> replies = EachMember.call(session.cluster(), members,
        stubs -> {
          HealthCheckResponse health = stubs.health().check(check);
          try {
            return new MemberHealth(health.getStatus().name(),
                Optional.of(stubs.admin().status(statusRequest)), "");
          } catch (StatusRuntimeException e) {
            String error = e.getStatus().getCode() == Status.Code.UNIMPLEMENTED
                ? "" : GrpcErrors.describe(e);
            return new MemberHealth(health.getStatus().name(), Optional.empty(), error);
          }
        });

    List<String> problems = new ArrayList<>();
    if (members.getLeaderId().isEmpty()) {
      problems.add("no leader is known");
    }
    Table table = new Table("ID", "HEALTH", "ROLE", "LEADER", "ADDRESS");
    ObjectNode json = ProtoJson.object();
    ArrayNode rows = ProtoJson.NODES.arrayNode();
    for (EachMember.Reply<MemberHealth> reply : replies) {
      Member member = reply.member();
      ObjectNode row = rows.addObject().put("id", member.getId())
          .put("grpc_address", member.getGrpcAddress());
      if (!reply.answered()) {
        problems.add(member.getId() + " " + reply.errorCell());
        row.put("health", "UNREACHABLE").set("error", reply.errorJson());
        table.row(member.getId(), reply.errorCell(), null, null,
            Members.orDash(member.getGrpcAddress()));
        continue;
      }
      MemberHealth health = reply.get();
      if (!health.serving().equals(HealthCheckResponse.ServingStatus.SERVING.name())) {
        problems.add(member.getId() + " is " + health.serving());
      }
      row.put("health", health.serving());
      if (!health.statusError().isEmpty()) {
        problems.add(member.getId() + " did not tell its status (" + health.statusError() + ")");
        row.put("status_error", health.statusError());
      }
      String role = ProtoJson.enumName(member.getRole().getValueDescriptor());
      String leader = members.getLeaderId();
      if (health.status().isPresent()) {
        NodeStatus status = health.status().get();
        role = ProtoJson.enumName(status.getRole().getValueDescriptor());
        leader = status.getLeaderId();
        row.set("status", ProtoJson.toJson(status));
      }
      row.put("role", role).put("leader_id", leader);
      table.row(member.getId(), health.serving(), role, leader.isEmpty() ? null : leader,
          Members.orDash(member.getGrpcAddress()));
    }
    boolean healthy = problems.isEmpty();
    json.put("healthy", healthy).put("leader_id", members.getLeaderId())
        .put("term", members.getTerm()).set("members", rows);
    json.putArray("problems").addAll(problems.stream().map(ProtoJson.NODES::textNode).toList());
    session.output().emit(json, table.render()
        + "\n" + (healthy ? "cluster is healthy, leader " + members.getLeaderId()
            : "cluster is unhealthy") + "\n");
    if (!healthy) {
      throw CliError.unavailable("cluster is unhealthy: " + String.join("; ", problems));
    }
    return ExitCode.OK;
  }
}
