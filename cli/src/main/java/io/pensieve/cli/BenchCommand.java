package io.pensieve.cli;

import io.pensieve.cli.bench.Api;
import io.pensieve.cli.bench.Bench;
import io.pensieve.cli.bench.BenchPlan;
import io.pensieve.cli.bench.BenchResult;
import io.pensieve.cli.bench.Connector;
import io.pensieve.cli.bench.GrpcConnector;
import io.pensieve.cli.bench.Progress;
import io.pensieve.cli.bench.RestConnector;
import io.pensieve.cli.bench.SweepChart;
import io.pensieve.cli.bench.Workload;
import io.pensieve.client.Endpoint;
import io.pensieve.client.PensieveClient;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.StatusRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench",
    description = {
        "Loads the cluster with puts, gets or both and measures throughput and latency.",
        "",
        "Each client is one connection to one endpoint, the endpoints taken in turn: a gRPC"
            + " channel, or over REST an HTTP/1.1 client with one kept-alive connection per"
            + " request in flight. Requests in flight in all = clients x in-flight.",
        "",
        "Closed loop by default: a request goes as soon as the previous one on its slot"
            + " ends. With --rate, open loop: requests are due at fixed intervals and each"
            + " latency runs from its due time, so time spent waiting for a busy connection"
            + " counts (no coordinated omission).",
        "",
        "Keys are bench-0000000000 to bench-<keys - 1>, drawn uniformly from --seed; get and"
            + " mixed write them all first (the preload, reported apart). After --warmup, the"
            + " bench measures for --duration: latency percentiles of successful requests"
            + " (HdrHistogram) and errors by kind, going on through errors. A list of client"
            + " counts measures each in turn, one row each.",
        "",
        "A progress line each second goes to stderr (when it is a terminal, or with"
            + " --progress); the result goes to stdout, as a table or -o json. Exits 3 when no"
            + " request succeeded."},
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl bench put --clients 16 --in-flight 16",
        "  pvctl bench get --api rest --consistency stale --duration 30s",
        "  pvctl bench mixed --read-ratio 0.9 --rate 20000 --clients 64",
        "  pvctl bench put --clients 1,4,16,64,256 --plot put-sweep.svg",
        "  pvctl bench get --seed 42 -o json > get.json"})
final class BenchCommand implements Callable<Integer> {
  /** The launcher sets it when stderr is a terminal: Java 17 cannot tell by itself. */
  static final String STDERR_TERMINAL = "pvctl.stderr.terminal";

  /** How reads are served, as {@code pvctl get --stale} and {@code ?consistency=}. */
  enum ReadConsistency { LINEARIZABLE, STALE }

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "WORKLOAD", completionCandidates = WorkloadNames.class,
      description = "put, get or mixed.")
  private Workload workload;

  @Option(names = "--api", paramLabel = "API", defaultValue = "grpc",
      completionCandidates = ApiNames.class,
      description = "grpc (the KV service on --endpoints) or rest (PUT and GET /v1/kv/{key});"
          + " default ${DEFAULT-VALUE}.")
  private Api api;

  @Option(names = "--rest-endpoints", split = ",", paramLabel = "HOST:PORT",
      converter = Pvctl.EndpointConverter.class,
      description = "REST addresses for --api rest. Default: the one each of --endpoints"
          + " advertises (https with --cacert).")
  private List<Endpoint> restEndpoints;

  @Option(names = "--clients", split = ",", paramLabel = "N", defaultValue = "16",
      description = "Clients (connections); a list runs one measurement per count, in turn"
          + " (default ${DEFAULT-VALUE}).")
  private List<Integer> clients;

  @Option(names = "--in-flight", paramLabel = "N", defaultValue = "1",
      description = "Requests each client keeps outstanding (default ${DEFAULT-VALUE}).")
  private int inFlight;

  @Option(names = "--rate", paramLabel = "PER_SECOND",
      description = "Open loop: this many requests a second over all clients, at fixed"
          + " intervals. Default: closed loop, as fast as answers come.")
  private Double rate;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
      converter = Durations.class,
      description = "How long each measurement lasts (default ${DEFAULT-VALUE}).")
  private Duration duration;

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s",
      converter = Durations.ZeroOrMore.class,
      description = "Load before each measurement, left out of the results; 0 for none"
          + " (default ${DEFAULT-VALUE}).")
  private Duration warmup;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "10000",
      description = "Size of the key space (default ${DEFAULT-VALUE}).")
  private int keys;

  @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "100",
      description = "Size of each value written (default ${DEFAULT-VALUE}).")
  private int valueSize;

  @Option(names = "--consistency", paramLabel = "MODE",
      completionCandidates = ConsistencyNames.class,
      description = "Reads: linearizable (default) or stale (the node's local state).")
  private ReadConsistency consistency;

  @Option(names = "--read-ratio", paramLabel = "RATIO",
      description = "mixed: the share of reads, from 0 to 1 (default 0.9).")
  private Double readRatio;

  @Option(names = "--seed", paramLabel = "N",
      description = "Seeds the key and operation choices (default: random, and reported).")
  private Long seed;

  @Option(names = "--no-preload",
      description = "get and mixed: skip writing every key first (reads of missing keys count"
          + " as not_found errors).")
  private boolean noPreload;

  @Option(names = "--plot", paramLabel = "FILE.svg",
      description = "Also write an SVG chart of throughput and p99 latency against clients.")
  private Path plot;

  @Option(names = "--progress", negatable = true,
      description = "Show (or with --no-progress hide) the progress line on stderr. Default:"
          + " shown when stderr is a terminal.")
  private Boolean progress;

  @Override
  public Integer call() {
    Pvctl pvctl = (Pvctl) spec.root().userObject();
    BenchPlan plan = plan(pvctl.timeout());
    Path chart = chartFile();
    Session session = Pvctl.sessionOf(spec);
    BenchResult result;
    try (Connector connector = connector(pvctl, session, plan)) {
      result = Bench.run(plan, connector, progress());
    }
    if (chart != null) {
      writeChart(chart, result);
    }
    BenchReport.emit(result, session.output());
    if (result.levels().stream().allMatch(level -> level.total().ops() == 0)) {
      throw CliError.unavailable("no request succeeded (see the errors above)");
    }
    return ExitCode.OK;
  }

  /** The options as a checked plan; a bad or misplaced option is a usage error. */
  BenchPlan plan(Duration requestTimeout) {
    if (readRatio != null && workload != Workload.MIXED) {
      throw usage("--read-ratio applies to mixed only");
    }
    if (consistency != null && !workload.reads()) {
      throw usage("--consistency applies to reads: get or mixed");
    }
    if (restEndpoints != null && api != Api.REST) {
      throw usage("--rest-endpoints applies to --api rest only");
    }
    double reads = switch (workload) {
      case PUT -> 0;
      case GET -> 1;
      case MIXED -> readRatio == null ? 0.9 : readRatio;
    };
    try {
      return new BenchPlan(workload, api, clients, inFlight,
          rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate), duration, warmup,
          keys, valueSize, consistency == ReadConsistency.STALE, reads,
          seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1L << 31),
          !noPreload, requestTimeout);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private Path chartFile() {
    if (plot == null) {
      return null;
    }
    Path directory = plot.toAbsolutePath().getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw usage("--plot " + plot + ": no such directory " + directory);
    }
    return plot;
  }

  private Connector connector(Pvctl pvctl, Session session, BenchPlan plan) {
    if (plan.api() == Api.GRPC) {
      // each request sent once: the bench measures what the nodes answer, errors included;
      // callbacks on the event loop: they only record and send the next request
      // pvctl's TLS and token, from the session's client
      PensieveClient.Builder clients = session.cluster().client().toBuilder()
          .deadline(plan.requestTimeout()).maxAttempts(1).directExecutor();
      return new GrpcConnector(pvctl.endpoints().stream().map(Endpoint::toString).toList(),
          endpoint -> clients.endpoints(endpoint).build(), plan);
    }
    List<URI> nodes = restNodes(pvctl, session);
    return new RestConnector(nodes, pvctl.caCert().map(CaTrust::forHttps),
        pvctl.token().map(token -> "Bearer " + token.token()), plan);
  }

  /** {@code --rest-endpoints}, or the REST address each gRPC endpoint's node advertises. */
  private List<URI> restNodes(Pvctl pvctl, Session session) {
    String scheme = pvctl.caCert().isPresent() ? "https://" : "http://";
    if (restEndpoints != null) {
      return restEndpoints.stream().map(endpoint -> URI.create(scheme + endpoint)).toList();
    }
    List<URI> nodes = new ArrayList<>();
    StatusRequest request = StatusRequest.getDefaultInstance();
    for (Endpoint endpoint : pvctl.endpoints()) {
      NodeStatus status;
      try {
        status = session.cluster().callOrFail(endpoint.toString(), RequestKind.READ,
            stubs -> stubs.admin().status(request));
      } catch (CliError e) {
        throw new CliError(e.exitCode(), "cannot learn the REST address of " + endpoint + ": "
            + e.getMessage() + "; give --rest-endpoints");
      }
      if (status.getRestAddress().isEmpty()) {
        throw CliError.failed(endpoint + " has not advertised its REST address yet; give"
            + " --rest-endpoints");
      }
      nodes.add(URI.create(scheme + status.getRestAddress()));
    }
    return nodes;
  }

  private Progress progress() {
    boolean terminal = Boolean.getBoolean(STDERR_TERMINAL);
    Progress.Mode mode;
    if (Boolean.FALSE.equals(progress)) {
      mode = Progress.Mode.OFF;
    } else if (terminal) {
      mode = Progress.Mode.IN_PLACE;
    } else {
      mode = Boolean.TRUE.equals(progress) ? Progress.Mode.LINES : Progress.Mode.OFF;
    }
    return new Progress(spec.commandLine().getErr(), mode);
  }

  private static void writeChart(Path file, BenchResult result) {
    try {
      Files.writeString(file, SweepChart.of(result).svg(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliError.failed("cannot write the chart " + file + ": " + e.getMessage());
    }
  }

  static final class WorkloadNames extends Names {
    WorkloadNames() {
      super("put", "get", "mixed");
    }
  }

  static final class ApiNames extends Names {
    ApiNames() {
      super("grpc", "rest");
    }
  }

  static final class ConsistencyNames extends Names {
    ConsistencyNames() {
      super("linearizable", "stale");
    }
  }

  /** Lower-case names for help and completion, where picocli would print enum constants. */
  private abstract static class Names implements Iterable<String> {
    private final List<String> names;

    Names(String... names) {
      this.names = List.of(names);
    }

    @Override
    public java.util.Iterator<String> iterator() {
      return names.iterator();
    }
  }
}
