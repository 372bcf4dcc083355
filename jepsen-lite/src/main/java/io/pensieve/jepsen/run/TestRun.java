package io.pensieve.jepsen.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.grpc.StatusRuntimeException;
import io.pensieve.jepsen.checker.NodeDigest;
import io.pensieve.jepsen.client.BankClient;
import io.pensieve.jepsen.client.PensieveBankClient;
import io.pensieve.jepsen.client.PensieveSessionClient;
import io.pensieve.jepsen.client.SessionClient;
import io.pensieve.jepsen.cluster.ClockSkew;
import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import io.pensieve.jepsen.cluster.Poll;
import io.pensieve.jepsen.history.HistoryRecorder;
import io.pensieve.jepsen.nemesis.Nemeses;
import io.pensieve.jepsen.nemesis.NemesisSchedule;
import io.pensieve.jepsen.report.NemesisEvent;
import io.pensieve.jepsen.workload.BankWorkload;
import io.pensieve.jepsen.workload.SessionWorkload;
import io.pensieve.jepsen.workload.Workload;
import io.pensieve.proto.v1.DigestRequest;
import io.pensieve.proto.v1.DigestResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: a fresh cluster, the workload under the nemeses for the run's time, then every
 * fault healed, a wait for the cluster to recover, final reads, replica digests, the checker,
 * and the report, all under {@code <store>/<timestamp>/}.
 */
public final class TestRun {
  private static final Logger LOG = LoggerFactory.getLogger(TestRun.class);
  /**
   * How long a fresh cluster may take to serve. On a 2-core machine loaded by builds, nodes
   * took 20 s to reach their own main and more than 60 s in all.
   */
  private static final Duration STARTUP = Duration.ofMinutes(3);
  private static final Duration RECOVERY = Duration.ofSeconds(90);
  private static final Duration CONVERGENCE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);
  /** One event per line in nemesis.jsonl. */
  private static final ObjectWriter JSON_LINE = new ObjectMapper().writer();

  private final RunOptions options;

  public TestRun(RunOptions options) {
    this.options = options;
  }

  public RunResult run() throws Exception {
    Path dir = options.store().resolve(
        LocalDateTime.now(ZoneId.systemDefault())
            .format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS")));
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(RunDirectory.OPTIONS).toFile(), options.describe());
    Optional<Path> faketime = Optional.empty();
    if (Nemeses.skewClocks(options.nemeses())) {
      faketime = Optional.of(ClockSkew.installedLibrary().orElseThrow(() ->
          new IllegalStateException("the clock nemesis needs libfaketime: run "
              + "jepsen-lite/scripts/install-faketime.sh")));
    }
    long startNanos = System.nanoTime();
    RunDirectory files = new RunDirectory(dir);
    try (LocalCluster cluster = LocalCluster.start(options.nodes(), dir.resolve("nodes"),
        options.nodeLauncher(), faketime);
        HistoryRecorder history = new HistoryRecorder(dir.resolve(RunDirectory.HISTORY), startNanos);
        BufferedWriter nemesisLog = Files.newBufferedWriter(dir.resolve(RunDirectory.NEMESIS))) {
      LOG.info("Run {}: {} workload, {} nodes, nemeses {}, {} s", dir,
          options.workload().json(), options.nodes(), options.nemeses(),
          options.time().toSeconds());
      if (!Poll.until(STARTUP, cluster::healthy)) {
        throw new IllegalStateException("the cluster did not start; see " + dir + "/nodes");
      }
      Clients workload = switch (options.workload()) {
        case REGISTER -> register(cluster, history);
        case BANK -> bank(cluster, history);
        case SESSIONS -> sessions(cluster, history);
      };
      NemesisSchedule schedule = new NemesisSchedule(
          Nemeses.named(options.nemeses(), cluster), options.quiet(), options.fault(),
          options.seed(), history, event -> log(nemesisLog, event));
      workload.start().run();
      schedule.start();
      Thread.sleep(options.time().toMillis());
      schedule.stop();
      long healed = history.now();
      boolean recovered = Poll.until(RECOVERY, cluster::healthy);
      Duration recovery = Duration.ofNanos(history.now() - healed);
      LOG.info("Faults healed; cluster {} after {} ms", recovered ? "recovered" : "NOT recovered",
          recovery.toMillis());
      workload.stop().run();
      workload.finalReads().run();
      files.recordRecovery(recovered ? recovery.toMillis() : -1);
      files.recordDigests(digests(cluster));
    }
    // checked once the history is flushed and the nodes stopped: the check has the CPU to itself
    RunResult result = files.checkRun(options.checkBudget());
    LOG.info("Run {}: {}", dir, result.valid() ? "VALID" : "NOT VALID");
    return result;
  }

  /**
   * A workload's clients, as the run drives them whatever they do.
   *
   * @param stop stops issuing operations and waits for those in flight
   * @param finalReads reads the final state through every node, once the faults are healed
   */
  private record Clients(Runnable start, Interruptible stop, Runnable finalReads) {}

  private interface Interruptible {
    void run() throws InterruptedException;
  }

  private Clients register(LocalCluster cluster, HistoryRecorder history) {
    Workload workload = new Workload(cluster, history, new Workload.Config(options.clients(),
        options.keys(), options.rate(), options.staleReads(), options.seed(),
        options.operationTimeout()));
    return new Clients(workload::start, workload::stop, workload::finalReads);
  }

  /**
   * The bank, its accounts set up through the first node before the clients start (so before
   * any fault): client slot {@code c} talks to node {@code c mod n} over gRPC, as the register's
   * gRPC clients do.
   */
  private Clients bank(LocalCluster cluster, HistoryRecorder history) {
    BankWorkload workload = new BankWorkload(history, BankWorkload.Config.defaults(
        options.clients(), options.rate(), options.seed(), options.operationTimeout()),
        slot -> bankClient(cluster, cluster.nodes().get(slot % cluster.nodes().size())));
    workload.setup(bankClient(cluster, cluster.nodes().get(0)));
    return new Clients(workload::start, workload::stop, () -> workload.finalReads(
        cluster.nodes().stream().map(node -> (BankClient) bankClient(cluster, node)).toList()));
  }

  /**
   * The sessions: client slot {@code c} talks to node {@code c mod n} over gRPC; the final
   * reads, one through each node, wait first for the leases left alone to expire.
   */
  private Clients sessions(LocalCluster cluster, HistoryRecorder history) {
    List<NodeProcess> nodes = cluster.nodes();
    SessionWorkload workload = new SessionWorkload(history,
        SessionWorkload.Config.defaults(options.clients(), options.seed(),
            options.operationTimeout()),
        slot -> sessionClient(cluster, nodes.get(slot % nodes.size())));
    return new Clients(workload::start, workload::stop, () -> workload.finalReads(
        nodes.stream().map(node -> sessionClient(cluster, node)).toList()));
  }

  private SessionClient sessionClient(LocalCluster cluster, NodeProcess node) {
    return new PensieveSessionClient(cluster.client(node, options.operationTimeout()), node.id());
  }

  private PensieveBankClient bankClient(LocalCluster cluster, NodeProcess node) {
    return new PensieveBankClient(cluster.client(node, options.operationTimeout()), node.id());
  }

  /**
   * Every node's digest, once all have applied the same index (or, past the deadline, as they
   * are: the convergence check then reports them unequal).
   */
  static Map<String, NodeDigest> digests(LocalCluster cluster)
      throws InterruptedException {
    Map<String, NodeDigest> latest = new LinkedHashMap<>();
    Poll.until(CONVERGENCE, () -> {
      latest.clear();
      for (NodeProcess node : cluster.nodes()) {
        try {
          DigestResult digest = cluster.admin(node).digest(DigestRequest.getDefaultInstance());
          latest.put(node.id(), new NodeDigest(
              HexFormat.of().formatHex(digest.getSha256().toByteArray()),
              digest.getAppliedIndex()));
        } catch (StatusRuntimeException e) {
          latest.put(node.id(), new NodeDigest("unavailable: " + e.getStatus(), -1));
        }
      }
      return latest.values().stream().distinct().count() == 1;
    });
    return latest;
  }

  static void log(BufferedWriter out, NemesisEvent event) {
    try {
      synchronized (out) {
        out.write(JSON_LINE.writeValueAsString(event));
        out.write('\n');
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
