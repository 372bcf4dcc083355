package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pensieve.cli.bench.Api;
import io.pensieve.cli.bench.BenchPlan;
import io.pensieve.cli.bench.Workload;
import io.pensieve.client.Endpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class PvctlOptionsTest {

  private static Pvctl parse(String... args) {
    Pvctl pvctl = new Pvctl();
    CommandLine cli = Pvctl.commandLine(pvctl, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    cli.parseArgs(args);
    return pvctl;
  }

  @Test
  void defaultsToTheLocalClusterTableOutputAndTenSeconds() {
    assumeTrue(System.getenv("PENSIEVE_ENDPOINTS") == null, "PENSIEVE_ENDPOINTS is set");

    Pvctl pvctl = parse("get", "greeting");

    assertThat(pvctl.endpoints()).containsExactly(new Endpoint("127.0.0.1", 9001),
        new Endpoint("127.0.0.1", 9002), new Endpoint("127.0.0.1", 9003));
    assertThat(pvctl.output()).isEqualTo(OutputFormat.TABLE);
    assertThat(pvctl.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void globalOptionsGoBeforeOrAfterTheCommand() {
    Pvctl before = parse("--endpoints", "10.0.0.1:7879,[::1]:7000", "-o", "json",
        "--timeout", "500ms", "member", "list");
    Pvctl after = parse("member", "list", "--endpoints", "10.0.0.1:7879,[::1]:7000",
        "--output=JSON", "--timeout=500ms");

    for (Pvctl pvctl : List.of(before, after)) {
      assertThat(pvctl.endpoints()).containsExactly(new Endpoint("10.0.0.1", 7879),
          new Endpoint("::1", 7000));
      assertThat(pvctl.output()).isEqualTo(OutputFormat.JSON);
      assertThat(pvctl.timeout()).isEqualTo(Duration.ofMillis(500));
    }
  }

  @ParameterizedTest
  @CsvSource({"10s, 10000", "500ms, 500", "2m, 120000", "1.5, 1500", "0.25s, 250"})
  void timeoutsTakeAUnitOrSeconds(String text, long millis) {
    assertThat(parse("--timeout", text, "status").timeout()).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "get                                    | Missing required parameter: 'KEY'",
      "get k --timeout soon                   | 'soon' is not a duration",
      "get k --timeout 0s                     | not between 1ms and 24h",
      "get k -o yaml                          | Invalid value for option '--output'",
      "get k --endpoints localhost            | 'localhost' is not host:port",
      "get k --endpoints 127.0.0.1:99999      | port 99999 is not in 1-65535",
      "frobnicate                             | Unmatched argument at index 0: 'frobnicate'",
      "put k                                  | Missing required parameter: 'VALUE'",
      "cas k v                                | Missing required argument (specify one of these)",
      "cas k v --if-version 1 --if-absent     | mutually exclusive",
      "del k --if-version x                   | Invalid value for option '--if-version'",
      "member add n4 nohost                   | 'nohost' is not host:port",
      "config set                             | Missing required parameter: 'NAME=VALUE'",
      "config set max-entries=-1              | max-entries must be 0 or more",
      "completion fish                        | Invalid value for positional parameter",
      "token create --user a --roles read     | Missing required argument (specify one of these)",
      "token create --secret-file s --private-key k --user a --roles read | mutually exclusive",
      "token create --secret-file s --roles read | Missing required option: '--user=NAME'",
      "token create --secret-file s --user a --roles read --ttl 2y | '2y' is not a lifetime",
      "user hash alice                        | Missing required option: '--roles=ROLES'",
      "user hash --roles read                 | Missing required parameter: 'NAME'",
      "bench                                  | Missing required parameter: 'WORKLOAD'",
      "bench scan                             | Invalid value for positional parameter",
      "bench mixed --read-ratio 1.5           | --read-ratio must be between 0 and 1, got 1.5",
      "bench mixed --read-ratio=-0.1          | --read-ratio must be between 0 and 1, got -0.1",
      "bench put --read-ratio 0.5             | --read-ratio applies to mixed only",
      "bench put --consistency stale          | --consistency applies to reads: get or mixed",
      "bench get --consistency eventual       | Invalid value for option '--consistency'",
      "bench get --api soap                   | Invalid value for option '--api'",
      "bench get --rest-endpoints h:8001      | --rest-endpoints applies to --api rest only",
      "bench get --clients 1,0                | --clients must be at least 1, got 0",
      "bench get --clients 4,x                | Invalid value for option '--clients'",
      "bench get --clients 1000 --in-flight 11 | is more than 10000 requests in flight",
      "bench put --rate 0                     | --rate must be between 0 and 10,000,000",
      "bench put --duration 0                 | '0' is not between 1ms and 24h",
      "bench put --warmup soon                | 'soon' is not a duration",
      "bench put --keys 0                     | --keys must be between 1 and 1000000000",
      "bench put --plot /no/such/dir/x.svg    | --plot /no/such/dir/x.svg: no such directory",
      "                                       | missing a command"})
  void usageErrorsExitTwoWithOneLine(String args, String message) {
    PvctlRun run = PvctlRun.of(args == null ? new String[0] : args.trim().split("\\s+"));

    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("pvctl: ").contains(message).endsWith("--help')\n");
    assertThat(run.err().lines()).hasSize(1);
  }

  private static BenchCommand bench(String... args) {
    CommandLine cli = Pvctl.commandLine(new Pvctl(), new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    return (BenchCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  void benchDefaultsToSixteenClientsOneInFlightTenSecondsAfterTwoOfWarmup() {
    BenchPlan plan = bench("bench", "mixed").plan(Duration.ofSeconds(10));

    assertThat(plan.api()).isEqualTo(Api.GRPC);
    assertThat(plan.clientLevels()).containsExactly(16);
    assertThat(plan.inFlight()).isEqualTo(1);
    assertThat(plan.openLoop()).isFalse();
    assertThat(plan.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(plan.warmup()).isEqualTo(Duration.ofSeconds(2));
    assertThat(plan.keys()).isEqualTo(10_000);
    assertThat(plan.valueSize()).isEqualTo(100);
    assertThat(plan.readRatio()).isEqualTo(0.9);
    assertThat(plan.staleReads()).isFalse();
    assertThat(plan.preloads()).isTrue();
    assertThat(plan.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void benchTakesASweepARateAndNoWarmup() {
    BenchPlan plan = bench("bench", "GET", "--api", "rest", "--clients", "1,4,16,64,256",
        "--in-flight", "8", "--rate", "5000", "--warmup", "0", "--duration", "1.5s",
        "--consistency", "stale", "--seed", "42", "--no-preload")
        .plan(Duration.ofMillis(500));

    assertThat(plan.workload()).isEqualTo(Workload.GET);
    assertThat(plan.api()).isEqualTo(Api.REST);
    assertThat(plan.clientLevels()).containsExactly(1, 4, 16, 64, 256);
    assertThat(plan.inFlight()).isEqualTo(8);
    assertThat(plan.rate()).hasValue(5000);
    assertThat(plan.warmup()).isZero();
    assertThat(plan.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(plan.staleReads()).isTrue();
    assertThat(plan.seed()).isEqualTo(42);
    assertThat(plan.preloads()).isFalse();
    assertThat(plan.readRatio()).isEqualTo(1.0);
  }

  @Test
  void aTokenComesFromTheFlagOrAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "  eyJ.file.token\n");

    assertThat(parse("--token", "eyJ.flag.token", "status").token())
        .contains(new BearerToken("eyJ.flag.token"));
    assertThat(parse("status", "--token-file", file.toString()).token())
        .contains(new BearerToken("eyJ.file.token"));
  }

  @Test
  void aTokenAndATokenFileTogetherAreAUsageError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "eyJ.file.token");

    PvctlRun both = PvctlRun.of("--token", "t", "--token-file", file.toString(), "status");
    PvctlRun missing = PvctlRun.of("--token-file", dir.resolve("nope").toString(), "status");

    assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(both.err()).contains("give --token or --token-file, not both");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err()).contains("cannot read the token file");
  }

  @Test
  void versionNamesTheBuild() {
    PvctlRun run = PvctlRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("pvctl 0.").doesNotContain("${");
  }

  @Test
  void everyCommandAndSubcommandHasHelpWithExamples() {
    List<List<String>> paths = new ArrayList<>();
    collect(Pvctl.commandLine(new Pvctl(), new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter())), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(20);

    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      PvctlRun run = PvctlRun.of(args.toArray(String[]::new));

      String command = String.join(" ", path);
      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out()).as(command)
          .startsWith(("Usage: pvctl " + command).trim())
          .contains("Examples:")
          .contains("--endpoints=HOST:PORT");
    }
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    paths.add(List.copyOf(path));
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      List<String> subPath = new ArrayList<>(path);
      subPath.add(sub.getKey());
      collect(sub.getValue(), subPath, paths);
    }
  }
}
