package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.SessionClient;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.HistoryRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Sessions: leases with keys attached, renewed for a while and then ended, as a service
 * registry or a lock holder uses them. Each client runs one session after another:
 *
 * <ol>
 *   <li>grant a lease of a TTL between {@code minTtl} and {@code maxTtl};
 *   <li>put {@code keysPerSession} keys {@code sess/<client>/<n>/<i>} attached to it (if one
 *       put is not ok, the session is revoked at once: its keys are not all there to check);
 *   <li>for a random while (up to twice the TTL): wait about a quarter of the TTL, read the
 *       session's prefix as one linearizable range now and then ({@code readChance}), renew
 *       with one {@code KeepAliveOnce}. The read comes before the renewal, a quarter TTL after
 *       the last one, so a lease that dies early is read dead;
 *   <li>end it one of three ways, at random: revoke (its keys must be gone once acknowledged);
 *       delete-range of the prefix, a read, then revoke (the read sees whether the acknowledged
 *       delete-range held before the revoke removes the keys anyway); or abandon, that is stop
 *       renewing (recorded as {@code abandon}, nothing sent): the cluster must expire the lease
 *       and delete its keys.
 * </ol>
 *
 * <p>When the run stops, a session in progress is abandoned. {@link #finalReads} then waits
 * until every lease not renewed since must have expired ({@code maxTtl + expirySlack}) and
 * reads every key under {@code sess/} through each node: what {@code SessionChecker} checks
 * expiry with.
 *
 * <p>Client {@code c} runs as process {@code c}, then {@code c + clients} after an outcome it
 * could not know, and so on, as the register workload's clients do.
 */
public final class SessionWorkload {
  /** Final reads are recorded as processes from here on, one per client given. */
  public static final int FINAL_READ_PROCESS = Workload.FINAL_READ_PROCESS;
  /** How often a final read is tried through one node. */
  private static final int FINAL_READ_ATTEMPTS = 10;

  /**
   * @param clients concurrent clients, each running one session at a time
   * @param keysPerSession keys attached to each session's lease
   * @param minTtl the shortest TTL asked for (the cluster's floor is 5 s)
   * @param maxTtl the longest; TTLs are picked among five steps from min to max
   * @param readChance the chance of a read before each renewal
   * @param expirySlack how long past its TTL a lease not renewed may take to be revoked
   * @param timeout each operation's client-side deadline (how long {@link #stop} waits)
   */
  public record Config(int clients, int keysPerSession, Duration minTtl, Duration maxTtl,
                       double readChance, Duration expirySlack, long seed, Duration timeout) {
    public Config {
      if (clients < 1 || keysPerSession < 1 || minTtl.isNegative() || minTtl.isZero()
          || maxTtl.compareTo(minTtl) < 0 || readChance < 0 || readChance > 1) {
        throw new IllegalArgumentException("bad sessions workload: " + this);
      }
    }

    /** TTLs of 6 to 10 s, three keys a session, reads before half the renewals. */
    public static Config defaults(int clients, long seed, Duration timeout) {
      return new Config(clients, 3, Duration.ofSeconds(6), Duration.ofSeconds(10), 0.5,
          Duration.ofSeconds(5), seed, timeout);
    }
  }

  private final HistoryRecorder history;
  private final Config config;
  private final IntFunction<SessionClient> clientForSlot;
  private final ClientThreads clients = new ClientThreads();

  /** @param clientForSlot the client slot {@code c} uses (for example one of node c mod n) */
  public SessionWorkload(HistoryRecorder history, Config config,
                         IntFunction<SessionClient> clientForSlot) {
    this.history = history;
    this.config = config;
    this.clientForSlot = clientForSlot;
  }

  public void start() {
    clients.start("session-client", config.clients(), this::runClient);
  }

  /** Stops starting sessions and operations, and waits for those in flight to complete. */
  public void stop() throws InterruptedException {
    clients.stop(config.timeout());
  }

  private void runClient(int slot) {
    RecordingSessionClient client = new RecordingSessionClient(clientForSlot.apply(slot),
        history, slot, config.clients());
    Random random = new Random(config.seed() * 1_000_003 + slot);
    for (int n = 1; clients.running(); n++) {
      runSession(client, SessionKeys.session(slot, n), random);
    }
  }

  private void runSession(RecordingSessionClient client, String session, Random random) {
    SessionClient.Grant grant = client.grant(session, pickTtl(random));
    if (grant.outcome().type() != EventType.OK) {
      pause(config.minTtl().toNanos() / 4);
      return;
    }
    long lease = grant.lease();
    long ttlNanos = grant.ttl().toNanos();
    for (int i = 0; i < config.keysPerSession(); i++) {
      if (client.put(session, SessionKeys.key(session, i), lease).type() != EventType.OK) {
        client.revoke(session, lease);
        return;
      }
    }
    long renewUntil = System.nanoTime() + (long) (random.nextDouble() * 2 * ttlNanos);
    while (true) {
      pause((long) (ttlNanos / 4.0 * (0.8 + 0.4 * random.nextDouble())));
      if (!clients.running()) {
        client.abandon(session, lease);
        return;
      }
      if (random.nextDouble() < config.readChance()) {
        client.read(session, lease);
      }
      if (System.nanoTime() - renewUntil >= 0) {
        break;
      }
      client.keepAlive(session, lease);
    }
    switch (random.nextInt(3)) {
      case 0 -> client.revoke(session, lease);
      case 1 -> {
        Outcome deleted = client.deleteRange(session, lease);
        if (deleted.type() == EventType.OK) {
          client.read(session, lease);
        }
        client.revoke(session, lease);
      }
      default -> client.abandon(session, lease);
    }
  }

  /** One of five TTLs from min to max, whole seconds when both are. */
  private Duration pickTtl(Random random) {
    long min = config.minTtl().toMillis();
    long step = (config.maxTtl().toMillis() - min) / 4;
    return Duration.ofMillis(min + step * random.nextInt(5));
  }

  private static void pause(long nanos) {
    long end = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /**
   * Waits until every lease no longer renewed must have expired, then reads every session key
   * through each client (one per node, after the cluster healed), each until one read is ok.
   */
  public void finalReads(List<SessionClient> finalClients) {
    pause(config.maxTtl().plus(config.expirySlack()).plusSeconds(1).toNanos());
    for (int i = 0; i < finalClients.size(); i++) {
      RecordingSessionClient client = new RecordingSessionClient(finalClients.get(i), history,
          FINAL_READ_PROCESS + i, finalClients.size());
      for (int attempt = 0; attempt < FINAL_READ_ATTEMPTS; attempt++) {
        if (client.readFinal().outcome().type() == EventType.OK) {
          break;
        }
      }
    }
  }
}
