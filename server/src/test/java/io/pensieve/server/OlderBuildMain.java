package io.pensieve.server;

import io.pensieve.internal.v1.Command;
import io.pensieve.statemachine.CommandKinds;
import picocli.CommandLine;

/**
 * {@code pensieve} as an older build would run it, one that predates compare-and-set: the node
 * flags, the same way of running until SIGTERM, and a state machine that cannot apply that kind.
 * Run as a process of its own, to see the exit status of a node that halted.
 */
final class OlderBuildMain {
  private OlderBuildMain() {}

  public static void main(String[] args) throws Exception {
    PensieveMain flags = new PensieveMain();
    new CommandLine(flags).parseArgs(args);
    PensieveMain.serve(flags.configBuilder()
        .appliedCommandKinds(CommandKinds.allBut(Command.KindCase.COMPARE_AND_SET))
        .build());
  }
}
