package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.PensieveRegisterClient;
import io.pensieve.jepsen.client.RegisterClient;
import io.pensieve.jepsen.client.RestRegisterClient;
import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.HistoryRecorder;
import io.pensieve.jepsen.history.OpKind;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Concurrent clients doing reads, writes and compare-and-sets on a few keys, each recorded as
 * an invoke and a completion. Client {@code c} talks to node {@code c mod n}, over REST or gRPC
 * chosen per operation. After an operation of unknown outcome the client goes on as a new
 * process, since the old one may still be in flight, as Jepsen's processes do.
 */
public final class Workload {
  /** Final reads are recorded as processes from here on, one per node. */
  public static final int FINAL_READ_PROCESS = 1_000_000;

  /**
   * @param clients concurrent clients
   * @param keys registers, named k0, k1, ...
   * @param rate operations per second across all clients
   * @param staleReads reads ask for the node's local state (not linearizable: for showing the
   *     checker catches it)
   * @param timeout each operation's client-side deadline
   */
  public record Config(int clients, int keys, double rate, boolean staleReads, long seed,
                       Duration timeout) {}

  private final LocalCluster cluster;
  private final HistoryRecorder history;
  private final Config config;
  private final HttpClient http = RestRegisterClient.sharedHttpClient();
  private final ClientThreads clients = new ClientThreads();

  public Workload(LocalCluster cluster, HistoryRecorder history, Config config) {
    this.cluster = cluster;
    this.history = history;
    this.config = config;
  }

  public void start() {
    clients.start("client", config.clients(), this::runClient);
  }

  /** Stops issuing operations and waits for those in flight to complete. */
  public void stop() throws InterruptedException {
    clients.stop(config.timeout());
  }

  private void runClient(int slot) {
    NodeProcess node = cluster.nodes().get(slot % cluster.nodes().size());
    RegisterClient rest = new RestRegisterClient(http, node.restAddress(), config.timeout(),
        config.staleReads());
    RegisterClient grpc = new PensieveRegisterClient(cluster.client(node, config.timeout()),
        config.staleReads());
    Random random = new Random(config.seed() * 1_000_003 + slot);
    Map<String, String> lastSeen = new HashMap<>();
    long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) * config.clients() / config.rate());
    long next = System.nanoTime() + (long) (random.nextDouble() * intervalNanos);
    int process = slot;
    int written = 0;
    while (clients.running()) {
      LockSupport.parkNanos(next - System.nanoTime());
      next += (long) (intervalNanos * (0.5 + random.nextDouble()));
      RegisterClient client = random.nextBoolean() ? rest : grpc;
      String key = "k" + random.nextInt(config.keys());
      double dice = random.nextDouble();
      String known = lastSeen.get(key);
      Event invoke;
      Outcome outcome;
      if (dice < 0.4) {
        invoke = history.invoke(process, OpKind.READ, key, null, null, node.id(), client.api());
        outcome = client.read(key);
        if (outcome.type() == EventType.OK) {
          lastSeen.put(key, outcome.value());
        }
      } else if (dice < 0.7 || known == null) {
        String value = "p" + process + "-" + (++written);
        invoke = history.invoke(process, OpKind.WRITE, key, value, null, node.id(), client.api());
        outcome = client.write(key, value);
        if (outcome.type() == EventType.OK) {
          lastSeen.put(key, value);
        }
      } else {
        String value = "p" + process + "-" + (++written);
        invoke = history.invoke(process, OpKind.CAS, key, value, known, node.id(), client.api());
        outcome = client.cas(key, known, value);
        if (outcome.type() == EventType.OK) {
          lastSeen.put(key, value);
        } else {
          lastSeen.remove(key);
        }
      }
      history.complete(invoke, outcome.type(), outcome.value(), outcome.error());
      if (outcome.type() == EventType.INFO) {
        process += config.clients();
        written = 0;
      }
    }
  }

  /**
   * Reads every key, linearizably, through every node, recording each read: the final values
   * the lost-write check compares with.
   */
  public void finalReads() {
    List<NodeProcess> nodes = cluster.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess node = nodes.get(i);
      RegisterClient client = new PensieveRegisterClient(cluster.client(node, config.timeout()),
          false);
      for (int k = 0; k < config.keys(); k++) {
        String key = "k" + k;
        Event invoke = history.invoke(FINAL_READ_PROCESS + i, OpKind.READ, key, null, null,
            node.id(), client.api());
        Outcome outcome = client.read(key);
        history.complete(invoke, outcome.type(), outcome.value(), outcome.error());
      }
    }
  }
}
