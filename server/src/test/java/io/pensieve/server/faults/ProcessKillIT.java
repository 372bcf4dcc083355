package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.server.process.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code pensieve} processes, each a JVM of its own started from this test's class path,
 * talking over loopback. The leader is killed with SIGKILL, no chance to clean up, and another
 * node is stopped with SIGTERM while a writer runs: each time a leader takes over, writes go on,
 * and no acknowledged write is lost, on any node, once the stopped node is back.
 */
class ProcessKillIT {
  private static final Duration STARTUP = Duration.ofSeconds(45);
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  @TempDir
  static Path dir;
  static Cluster cluster;

  /** Prints the end of every node's output when a test fails. */
  @RegisterExtension
  static final TestWatcher LOG_TAILS = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        cluster.printLogTails();
      }
    }
  };

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = Cluster.start(dir);
  }

  /** A test that failed half way may leave a node down; each test starts with all three. */
  @BeforeEach
  void startStoppedNodes() throws IOException {
    cluster.startStopped();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKilledLeaderIsReplacedAndNoAcknowledgedWriteIsLost() throws Exception {
    Node leader = cluster.awaitLeader(PATIENCE);
    Map<String, String> acknowledged;
    List<KvClient> clients = cluster.clients();
    try (AckedWriter writer = new AckedWriter("sigkill", clients)) {
      writer.start();
      await("writes before the kill").atMost(PATIENCE).until(() -> writer.acks() >= 100);

      // when the leader's process is killed outright
      leader.kill();
      long killedNanos = System.nanoTime();

      // then the other two elect a leader and the writes go on through them
      Node newLeader = cluster.awaitLeader(PATIENCE);
      Duration election = Duration.ofNanos(System.nanoTime() - killedNanos);
      assertThat(newLeader.id).isNotEqualTo(leader.id);
      long acksAtElection = writer.acks();
      await("writes after the kill").atMost(PATIENCE)
          .until(() -> writer.acks() >= acksAtElection + 100);
      writer.stop();
      acknowledged = writer.acknowledged();
      System.out.printf("ProcessKillIT: %s led %d ms after %s was killed; %s%n", newLeader.id,
          election.toMillis(), leader.id, writer);
    } finally {
      clients.forEach(KvClient::close);
    }

    // when the killed node starts again with the same flags
    leader.start();
    cluster.awaitLeader(PATIENCE);

    // then every node, the restarted one included, serves every acknowledged write
    cluster.assertAllReadableEverywhere(acknowledged);
  }

  @Test
  void sigtermWhileWritingEndsTheProcessCleanlyAndLosesNoAcknowledgedWrite() throws Exception {
    Node leader = cluster.awaitLeader(PATIENCE);
    Map<String, String> acknowledged;
    List<KvClient> clients = cluster.clients();
    try (AckedWriter writer = new AckedWriter("sigterm", clients)) {
      writer.start();
      await("writes before the SIGTERM").atMost(PATIENCE).until(() -> writer.acks() >= 100);

      // when the leader is asked to stop while writes flow through it and the others
      Optional<Integer> exitCode = leader.terminate(Duration.ofSeconds(15));

      // then it finishes what it took on and exits, within the grace period
      assertThat(exitCode).as("exit code of %s within 15 s of SIGTERM", leader.id).isPresent();
      assertThat(exitCode.get()).isIn(0, 143);
      // and the writes go on through the other two
      long acksAtExit = writer.acks();
      await("writes after the SIGTERM").atMost(PATIENCE)
          .until(() -> writer.acks() >= acksAtExit + 100);
      writer.stop();
      acknowledged = writer.acknowledged();
      System.out.printf("ProcessKillIT: %s exited with %d after SIGTERM; %s%n", leader.id,
          exitCode.get(), writer);
    } finally {
      clients.forEach(KvClient::close);
    }

    // and once it is back, no node has lost an acknowledged write
    leader.start();
    cluster.awaitLeader(PATIENCE);
    cluster.assertAllReadableEverywhere(acknowledged);
  }

  /** A {@code pensieve} process with its ports, data directory and output file. */
  static final class Node {
    final String id;
    final int restPort;
    final int grpcPort;
    final int raftPort;
    private final Path dataDir;
    private final Path log;
    private List<String> peers = List.of();
    private NodeProcess process;

    Node(String id, Set<Integer> taken, Path root) {
      this.id = id;
      this.restPort = freePort(taken);
      this.grpcPort = freePort(taken);
      this.raftPort = freePort(taken);
      this.dataDir = root.resolve(id);
      this.log = root.resolve(id + ".log");
    }

    void start() throws IOException {
      if (alive()) {
        throw new IllegalStateException(id + " is running");
      }
      process = NodeProcess.start(List.of(
          "--node-id", id,
          "--listen-host", "127.0.0.1",
          "--advertise-host", "127.0.0.1",
          "--port", String.valueOf(restPort),
          "--grpc-port", String.valueOf(grpcPort),
          "--raft-port", String.valueOf(raftPort),
          "--peers", String.join(",", peers),
          "--data-dir", dataDir.toString()), Map.of(), log);
    }

    boolean alive() {
      return process != null && process.alive();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
      if (process != null) {
        process.kill();
      }
    }

    /** SIGTERM; the exit code if the process ended within {@code grace}, else empty. */
    Optional<Integer> terminate(Duration grace) throws InterruptedException {
      return process.terminate(grace);
    }

    String logTail() {
      return process == null ? "(not started)" : process.logTail();
    }

    private static int freePort(Set<Integer> taken) {
      while (true) {
        int port = NodeProcess.freePort();
        if (taken.add(port)) {
          return port;
        }
      }
    }
  }

  /** Three node processes and the REST and gRPC views of them. */
  static final class Cluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Node> nodes;

    private Cluster(List<Node> nodes) {
      this.nodes = nodes;
    }

    /**
     * Starts three nodes on ports that were free a moment ago. Another process may take one
     * meanwhile; a node then fails to bind and exits, and all three start again on new ports.
     */
    static Cluster start(Path root) throws Exception {
      for (int attempt = 1; ; attempt++) {
        Set<Integer> taken = new HashSet<>();
        Path attemptRoot = Files.createDirectories(root.resolve("attempt-" + attempt));
        List<Node> nodes = List.of(new Node("n1", taken, attemptRoot),
            new Node("n2", taken, attemptRoot), new Node("n3", taken, attemptRoot));
        List<String> peers = nodes.stream().map(n -> n.id + "=127.0.0.1:" + n.raftPort).toList();
        Cluster cluster = new Cluster(nodes);
        try {
          for (Node node : nodes) {
            node.peers = peers;
            node.start();
          }
          await("a leader, or a node that exited").atMost(STARTUP)
              .pollInterval(Duration.ofMillis(200))
              .until(() -> cluster.agreedLeader().isPresent()
                  || nodes.stream().anyMatch(n -> !n.alive()));
          if (cluster.agreedLeader().isPresent()) {
            return cluster;
          }
          throw new IllegalStateException("a node exited while starting");
        } catch (RuntimeException | Error e) {
          cluster.printLogTails();
          cluster.close();
          if (attempt == START_ATTEMPTS) {
            throw e;
          }
          System.out.printf("ProcessKillIT: start attempt %d failed (%s); new ports%n", attempt, e);
        }
      }
    }

    void startStopped() throws IOException {
      for (Node node : nodes) {
        if (!node.alive()) {
          node.start();
        }
      }
    }

    List<KvClient> clients() {
      return nodes.stream().map(n -> KvClient.connect(n.grpcPort)).collect(Collectors.toList());
    }

    /** Waits until every running node names the same running leader, which says it leads. */
    Node awaitLeader(Duration atMost) {
      return await("a leader every running node agrees on").atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .until(this::agreedLeader, Optional::isPresent).orElseThrow();
    }

    private Optional<Node> agreedLeader() {
      String leader = null;
      for (Node node : nodes) {
        if (!node.alive()) {
          continue;
        }
        Optional<JsonNode> view = cluster(node);
        String seen = view.map(v -> v.path("leader").asText("")).orElse("");
        if (seen.isEmpty() || (leader != null && !leader.equals(seen))) {
          return Optional.empty();
        }
        leader = seen;
      }
      String agreed = leader;
      Optional<Node> leaderNode = nodes.stream()
          .filter(n -> n.id.equals(agreed) && n.alive()).findFirst();
      return leaderNode.filter(n -> cluster(n).map(v -> agreedRole(v, n.id)).orElse(false));
    }

    private static boolean agreedRole(JsonNode view, String id) {
      for (JsonNode member : view.path("members")) {
        if (member.path("id").asText().equals(id)) {
          return member.path("role").asText().equals("LEADER");
        }
      }
      return false;
    }

    /** {@code GET /v1/cluster} of one node, empty while it does not answer 200. */
    private Optional<JsonNode> cluster(Node node) {
      HttpRequest request = HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + node.restPort + "/v1/cluster"))
          .timeout(Duration.ofSeconds(5)).GET().build();
      try {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body()))
            : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Every acknowledged write, read linearizably on every node: a restarted one catches up. */
    void assertAllReadableEverywhere(Map<String, String> acknowledged) {
      for (Node node : nodes) {
        try (KvClient client = KvClient.connect(node.grpcPort)) {
          Replicas.assertAllReadable(node.id, client, acknowledged);
        }
      }
    }

    void printLogTails() {
      Map<String, String> tails = new LinkedHashMap<>();
      nodes.forEach(n -> tails.put(n.id, n.logTail()));
      tails.forEach((id, tail) -> System.out.printf("---- last output of %s ----%n%s%n", id, tail));
    }

    @Override
    public void close() {
      for (Node node : nodes) {
        try {
          node.kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
