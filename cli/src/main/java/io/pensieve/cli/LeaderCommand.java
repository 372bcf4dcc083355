package io.pensieve.cli;

import io.pensieve.proto.v1.TransferLeaderRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "leader",
    description = {"Shows or moves the Raft leader.", "Without a subcommand: show."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl leader show",
        "  pvctl leader transfer n2"})
final class LeaderCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    return show();
  }

  @Command(name = "show",
      description = "The leader, the term and the leader's addresses. No leader known exits 3.",
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl leader show",
          "  pvctl leader show -o json"})
  int show() {
    Session session = Pvctl.sessionOf(spec);
    Members.printLeader(session.output(), Members.list(session.cluster()));
    return ExitCode.OK;
  }

  @Command(name = "transfer",
      description = "Hands leadership to the named member and returns once it leads.",
      footerHeading = "%nExamples:%n",
      footer = {"  pvctl leader transfer n2"})
  int transfer(@Parameters(paramLabel = "ID", description = "The member to lead.") String id) {
    Session session = Pvctl.sessionOf(spec);
    TransferLeaderRequest request = TransferLeaderRequest.newBuilder().setId(id).build();
    Members.printLeader(session.output(), session.cluster().call(RequestKind.WRITE,
        stubs -> stubs.admin().transferLeader(request)));
    return ExitCode.OK;
  }
}
