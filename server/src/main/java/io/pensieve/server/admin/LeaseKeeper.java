package io.pensieve.server.admin;

import io.pensieve.server.DaemonThreads;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.statemachine.CommandValidator;
import io.pensieve.store.LeaseTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases a restore granted alive while it writes their keys: a restore of many
 * entries outlasts a short lease, and a lease revoked for want of renewal would refuse the
 * puts that attach its keys. Renews every lease added so far each {@link #PERIOD}, in commands
 * of at most {@link CommandValidator#MAX_LEASE_IDS} ids.
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  /**
   * A third of the shortest TTL a lease may have, as a client renews: two renewals may be lost
   * (an election, a slow commit) before the shortest lease runs out.
   */
  static final Duration PERIOD = Duration.ofMillis(LeaseTable.MIN_TTL_MILLIS / 3);

  private final KvService kv;
  /** The leases to keep alive; guarded by this. */
  private final List<Long> ids = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("pensieve-restore-leases"));

  LeaseKeeper(KvService kv) {
    this.kv = kv;
    // with a fixed delay, a renewal slowed by an election never overlaps the next one
    var unused = timer.scheduleWithFixedDelay(this::renewQuietly, PERIOD.toMillis(),
        PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Keeps lease {@code id} alive from the next renewal on. */
  synchronized void add(long id) {
    ids.add(id);
  }

  /** The leases kept alive, in the order they were added. */
  synchronized List<Long> ids() {
    return List.copyOf(ids);
  }

  /**
   * Renews every lease now and waits for it.
   *
   * @return the ids that no longer name a lease (revoked since they were granted)
   * @throws KvException if a renewal was not applied
   */
  List<Long> renewNow() {
    List<Long> all = ids();
    List<CompletableFuture<List<Long>>> renewals = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CommandValidator.MAX_LEASE_IDS) {
      renewals.add(kv.renewLeases(
          all.subList(from, Math.min(all.size(), from + CommandValidator.MAX_LEASE_IDS))));
    }
    List<Long> gone = new ArrayList<>();
    for (CompletableFuture<List<Long>> renewal : renewals) {
      try {
        gone.addAll(renewal.join());
      } catch (RuntimeException e) {
        throw KvException.from(e);
      }
    }
    return gone;
  }

  private void renewQuietly() {
    try {
      List<Long> gone = renewNow();
      if (!gone.isEmpty()) {
        LOG.warn("Restored leases {} were revoked while the restore was writing", gone);
      }
    } catch (KvException e) {
      // the next period tries again; a lease that expires meanwhile refuses its keys' puts,
      // which fails the restore with that reason
      LOG.warn("Renewing the restored leases failed, retrying in {} ms: {}", PERIOD.toMillis(),
          e.getMessage());
    }
  }

  /** Stops renewing on its own; {@link #renewNow} still renews. */
  void stop() {
    timer.shutdownNow();
  }

  /** Stops renewing: the leases then run on their TTL from the last renewal. */
  @Override
  public void close() {
    stop();
  }
}
