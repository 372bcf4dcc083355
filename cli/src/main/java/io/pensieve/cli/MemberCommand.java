package io.pensieve.cli;

import io.pensieve.client.Endpoint;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.PromoteMemberRequest;
import io.pensieve.proto.v1.RemoveMemberRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "member",
    description = {"Lists and changes the cluster's members.",
        "Changes go through the leader, one at a time. Without a subcommand: list."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl member list",
        "  pvctl member add n4 10.0.0.4:7880 --learner",
        "  pvctl member promote n4",
        "  pvctl member remove n1"})
final class MemberCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    return list();
  }

  @Command(name = "list",
      description = "Members, their roles and gRPC, REST and Raft addresses.",
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl member list",
          "  pvctl member list -o json"})
  int list() {
    Session session = Pvctl.sessionOf(spec);
    return print(session, Members.list(session.cluster()));
  }

  @Command(name = "add",
      description = "Adds a member: a voter, or with --learner a member that receives the log"
          + " but does not vote until promoted. The new node must be running with an empty data"
          + " directory (pensieve --join).",
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl member add n4 10.0.0.4:7880",
          "  pvctl member add n4 10.0.0.4:7880 --learner"})
  int add(
      @Parameters(index = "0", paramLabel = "ID", description = "The new member's node id.")
          String id,
      @Parameters(index = "1", paramLabel = "RAFT_HOST:PORT", converter = Pvctl.EndpointConverter.class,
          description = "The new member's Raft address.") Endpoint raftAddress,
      @Option(names = "--learner", description = "Add as a non-voting learner.") boolean learner) {
    Session session = Pvctl.sessionOf(spec);
    AddMemberRequest request = AddMemberRequest.newBuilder()
        .setId(id).setRaftAddress(raftAddress.toString()).setLearner(learner).build();
    return print(session, session.cluster().call(RequestKind.WRITE,
        stubs -> stubs.admin().addMember(request)));
  }

  @Command(name = "remove",
      description = "Removes a member, the leader included (the others elect a new one).",
      footerHeading = "%nExamples:%n",
      footer = {"  pvctl member remove n3"})
  int remove(@Parameters(paramLabel = "ID", description = "The member's node id.") String id) {
    Session session = Pvctl.sessionOf(spec);
    RemoveMemberRequest request = RemoveMemberRequest.newBuilder().setId(id).build();
    return print(session, session.cluster().call(RequestKind.WRITE,
        stubs -> stubs.admin().removeMember(request)));
  }

  @Command(name = "promote",
      description = "Makes a learner a voter.",
      footerHeading = "%nExamples:%n",
      footer = {"  pvctl member promote n4"})
  int promote(@Parameters(paramLabel = "ID", description = "The learner's node id.") String id) {
    Session session = Pvctl.sessionOf(spec);
    PromoteMemberRequest request = PromoteMemberRequest.newBuilder().setId(id).build();
    return print(session, session.cluster().call(RequestKind.WRITE,
        stubs -> stubs.admin().promoteMember(request)));
  }

  private static int print(Session session, ClusterResponse members) {
    session.output().emit(Members.json(members), Members.table(members));
    return ExitCode.OK;
  }
}
