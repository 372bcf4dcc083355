package io.pensieve.jepsen.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pensieve.jepsen.client.PensieveSessionClient;
import io.pensieve.jepsen.client.SessionClient;
import io.pensieve.jepsen.cluster.ClockSkew;
import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import io.pensieve.jepsen.cluster.Poll;
import io.pensieve.jepsen.history.HistoryRecorder;
import io.pensieve.jepsen.nemesis.NemesisSchedule;
import io.pensieve.jepsen.nemesis.Nemeses;
import io.pensieve.jepsen.workload.SessionWorkload;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the sessions workload ({@link SessionWorkload}), as {@link TestRun} runs the
 * register: a fresh cluster, the workload under the nemeses, every fault healed, a wait for
 * recovery, then the wait for unrenewed leases to expire and the final reads, replica digests,
 * {@link SessionRunDirectory#check} and the report, all under {@code <store>/<timestamp>/}.
 * {@code options.json} says {@code "workload": "sessions"}, so that {@code jepsen-lite check}
 * checks the directory with the sessions checker.
 */
public final class SessionTestRun {
  /** The value of {@code workload} in options.json. */
  public static final String WORKLOAD = WorkloadName.SESSIONS.json();
  private static final Logger LOG = LoggerFactory.getLogger(SessionTestRun.class);
  private static final Duration STARTUP = Duration.ofMinutes(2);
  private static final Duration RECOVERY = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final RunOptions options;

  public SessionTestRun(RunOptions options) {
    this.options = options;
  }

  public SessionRunResult run() throws Exception {
    Path dir = options.store().resolve(
        LocalDateTime.now(ZoneId.systemDefault())
            .format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS")));
    Files.createDirectories(dir);
    Map<String, Object> described = new LinkedHashMap<>(options.describe());
    described.put("workload", WORKLOAD);
    described.remove("keys");
    described.remove("rate");
    described.remove("stale_reads");
    JSON.writeValue(dir.resolve("options.json").toFile(), described);
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
        HistoryRecorder history = new HistoryRecorder(dir.resolve(RunDirectory.HISTORY),
            startNanos);
        BufferedWriter nemesisLog = Files.newBufferedWriter(dir.resolve(RunDirectory.NEMESIS))) {
      LOG.info("Run {} (sessions): {} nodes, nemeses {}, {} s", dir, options.nodes(),
          options.nemeses(), options.time().toSeconds());
      if (!Poll.until(STARTUP, cluster::healthy)) {
        throw new IllegalStateException("the cluster did not start; see " + dir + "/nodes");
      }
      List<NodeProcess> nodes = cluster.nodes();
      SessionWorkload workload = new SessionWorkload(history,
          SessionWorkload.Config.defaults(options.clients(), options.seed(),
              options.operationTimeout()),
          slot -> client(cluster, nodes.get(slot % nodes.size())));
      NemesisSchedule schedule = new NemesisSchedule(
          Nemeses.named(options.nemeses(), cluster), options.quiet(), options.fault(),
          options.seed(), history, event -> TestRun.log(nemesisLog, event));
      workload.start();
      schedule.start();
      Thread.sleep(options.time().toMillis());
      schedule.stop();
      long healed = history.now();
      boolean recovered = Poll.until(RECOVERY, cluster::healthy);
      Duration recovery = Duration.ofNanos(history.now() - healed);
      LOG.info("Faults healed; cluster {} after {} ms", recovered ? "recovered" : "NOT recovered",
          recovery.toMillis());
      workload.stop();
      workload.finalReads(nodes.stream().map(node -> client(cluster, node)).toList());
      files.recordRecovery(recovered ? recovery.toMillis() : -1);
      files.recordDigests(TestRun.digests(cluster));
    }
    SessionRunResult result = new SessionRunResult(dir, new SessionRunDirectory(files).check());
    LOG.info("Run {}: {}", dir, result.valid() ? "VALID" : "NOT VALID");
    return result;
  }

  private SessionClient client(LocalCluster cluster, NodeProcess node) {
    return new PensieveSessionClient(cluster.client(node, options.operationTimeout()), node.id());
  }
}
