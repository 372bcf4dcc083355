package io.pensieve.jepsen;

import io.pensieve.jepsen.nemesis.Nemeses;
import io.pensieve.jepsen.run.RunDirectory;
import io.pensieve.jepsen.run.RunOptions;
import io.pensieve.jepsen.run.RunResult;
import io.pensieve.jepsen.run.TestRun;
import io.pensieve.jepsen.run.WorkloadName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jepsen-lite run|check}: exits 0 when the history is valid, 1 when not, 2 on usage. */
@Command(name = "jepsen-lite", mixinStandardHelpOptions = true,
    description = "Runs a Pensieve cluster under faults and checks that it stays linearizable "
        + "and loses nothing.",
    subcommands = {JepsenLite.Run.class, JepsenLite.Check.class})
public final class JepsenLite {
  /** Exit code of a run whose history is not valid, or could not be decided. */
  static final int NOT_VALID = 1;
  /** Set by jepsen-lite's launcher to the node's launcher beside it. */
  static final String NODE_LAUNCHER_PROPERTY = "pensieve.node.launcher";

  public static void main(String[] args) {
    System.exit(new CommandLine(new JepsenLite()).execute(args));
  }

  /** The node's launcher, {@code bin/pensieve}, which jepsen-lite's own launcher names. */
  static Path nodeLauncher() {
    String launcher = System.getProperty(NODE_LAUNCHER_PROPERTY);
    if (launcher == null) {
      throw new IllegalStateException(NODE_LAUNCHER_PROPERTY + " is not set: run jepsen-lite "
          + "from its built tree, jepsen-lite/target/jepsen-lite/bin/jepsen-lite");
    }
    return Path.of(launcher);
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Starts a fresh cluster, runs the workload under the nemeses, checks the "
          + "history and writes the report under --store/<timestamp>/.",
      footer = {"", "Examples:",
          "  jepsen-lite run --nodes 5 --time 300 --nemesis partition,kill --seed 42",
          "  jepsen-lite run --time 60 --nemesis all",
          "  jepsen-lite run --workload bank --time 300 --nemesis all",
          "  jepsen-lite run --workload sessions --time 120 --nemesis all",
          "  jepsen-lite run --time 30 --nemesis partition-leader --stale-reads --op-timeout 1",
          "      (must be reported not linearizable)"})
  static final class Run implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workload", defaultValue = "register",
        paramLabel = "register|bank|sessions",
        description = "register: reads, writes and compare-and-sets on --keys keys, checked for"
            + " linearizability; bank: transfers between five accounts as transactions, reads"
            + " of every account as one range, checked by the bank's rules; sessions: leases"
            + " with keys attached, renewed, then revoked, deleted by range or left to expire,"
            + " checked by the sessions rules (--keys, --rate and --stale-reads do not apply)."
            + " Default: ${DEFAULT-VALUE}")
    String workload;

    @Option(names = "--nodes", defaultValue = "3", description = "Cluster size. Default: 3")
    int nodes;

    @Option(names = "--time", defaultValue = "60", paramLabel = "SECONDS",
        description = "How long the workload runs under faults. Default: ${DEFAULT-VALUE}")
    long seconds;

    @Option(names = "--nemesis", split = ",", defaultValue = "kill,partition",
        description = "Faults: kill, pause, partition (or one shape: partition-leader, "
            + "partition-halves, partition-bridge), transfer, member, clock, or all. "
            + "Default: ${DEFAULT-VALUE}")
    List<String> nemeses;

    @Option(names = "--interval", defaultValue = "10", paramLabel = "SECONDS",
        description = "Quiet time before each fault, and each fault's length. "
            + "Default: ${DEFAULT-VALUE}")
    double interval;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds every random choice. "
        + "Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--clients", defaultValue = "10",
        description = "Concurrent clients. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = "--keys", defaultValue = "8",
        description = "Keys of the register workload. Default: ${DEFAULT-VALUE}")
    int keys;

    @Option(names = "--rate", defaultValue = "200",
        description = "Operations per second, all clients together. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = "--stale-reads",
        description = "Read at consistency=stale: not linearizable; the checker must say so")
    boolean staleReads;

    @Option(names = "--op-timeout", defaultValue = "12", paramLabel = "SECONDS",
        description = "Each operation's deadline in the client; past the node's own request "
            + "timeout (10 s), so that nodes answer for themselves. Default: ${DEFAULT-VALUE}")
    double opTimeout;

    @Option(names = "--store", defaultValue = "jepsen-lite/store",
        description = "Where run directories go. Default: ${DEFAULT-VALUE}")
    Path store;

    @Option(names = "--check-budget", defaultValue = "60", paramLabel = "SECONDS",
        description = "Checker time per key before it answers 'unknown'. "
            + "Default: ${DEFAULT-VALUE}")
    long checkBudget;

    @Override
    public Integer call() throws Exception {
      if (nodes < 1 || clients < 1 || keys < 1 || rate <= 0 || seconds < 1 || opTimeout <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--nodes, --clients, --keys, --rate, --time and --op-timeout must be positive");
      }
      WorkloadName which;
      try {
        Nemeses.validate(nemeses);
        which = WorkloadName.parse(workload);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      if (which != WorkloadName.REGISTER && staleReads) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--stale-reads is for the register workload; the others read linearizably");
      }
      Duration each = Duration.ofMillis((long) (interval * 1000));
      RunOptions options = new RunOptions(nodes, Duration.ofSeconds(seconds),
          nemeses, each, each, seed, clients, keys, rate, staleReads,
          Duration.ofMillis((long) (opTimeout * 1000)), store,
          nodeLauncher(),
          Duration.ofSeconds(checkBudget), which);
      RunResult result = new TestRun(options).run();
      System.out.println(result.oneLine());
      System.out.println("Report: " + result.directory().resolve("timeline.html"));
      return result.valid() ? 0 : NOT_VALID;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Checks a run's directory again and rewrites its report.")
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR", description = "A run's directory, under the store")
    Path dir;

    @Option(names = "--check-budget", defaultValue = "60", paramLabel = "SECONDS",
        description = "Checker time per key. Default: ${DEFAULT-VALUE}")
    long checkBudget;

    @Override
    public Integer call() throws Exception {
      RunResult result = new RunDirectory(dir).checkRun(Duration.ofSeconds(checkBudget));
      System.out.println(result.oneLine());
      System.out.println("Report: " + dir.resolve("timeline.html"));
      return result.valid() ? 0 : NOT_VALID;
    }
  }
}
