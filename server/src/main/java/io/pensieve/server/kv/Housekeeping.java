package io.pensieve.server.kv;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.ExpireCommand;
import io.pensieve.internal.v1.LeaseExpireCommand;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.internal.v1.TouchCommand;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.time.NodeClock;
import io.pensieve.statemachine.CommandValidator;
import io.pensieve.statemachine.ConfigureCommands;
import io.pensieve.statemachine.PensieveStateMachine;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands a node proposes on its own, on its clock's thread:
 *
 * <ul>
 *   <li>its advertised REST and gRPC addresses, until the replicated directory holds them;
 *   <li>as leader, the cluster settings from its flags, if none were ever set;
 *   <li>the keys it served reads for, as a Touch, once per touch interval;
 *   <li>as leader, an Expire while its map holds expired entries, once per cleanup interval;
 *   <li>the lease renewals it received, as one LeaseKeepAlive, once per
 *       {@link LeaseKeepAlives#INTERVAL};
 *   <li>as leader, a LeaseExpire naming the leases expired by its clock, once per cleanup
 *       interval; apply revokes only those still expired at the command's stamp, so a renewal
 *       that lands first saves its lease.
 * </ul>
 *
 * Each kind has at most one proposal in flight, so a slow cluster is never flooded.
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  static final Duration BOOTSTRAP_PERIOD = Duration.ofMillis(200);

  /** What housekeeping looks at: the node's Raft member and its replicated state. */
  interface Node {
    /** Whether the node serves as a member: not once it is removed from the cluster. */
    boolean joined();

    boolean knowsLeader();

    boolean isLeader();

    /** Whether the replicated directory holds {@code self} as this member's addresses. */
    boolean advertises(MemberAddresses self);

    boolean isConfigured();

    Settings settings();

    boolean hasExpiredEntries();

    /** The ids of leases expired by this node's clock, at most {@code max}. */
    List<Long> expiredLeases(int max);
  }

  /** Counts what housekeeping proposed and what came of it, for metrics. */
  public interface Counters {
    Counters NONE = new Counters() {
      @Override
      public void keepAliveProposed() {}

      @Override
      public void leasesExpired(int revoked) {}
    };

    /** A LeaseKeepAlive command was proposed. */
    void keepAliveProposed();

    /** A LeaseExpire command this node proposed revoked {@code revoked} leases. */
    void leasesExpired(int revoked);
  }

  /** How long a LeaseKeepAlive command may be in flight before another may follow it. */
  static final Duration KEEP_ALIVE_STALLED = LeaseKeepAlives.INTERVAL.multipliedBy(2);
  /** LeaseKeepAlive commands in flight at once, at most, stalled ones included. */
  static final int MAX_KEEP_ALIVES_IN_FLIGHT = 3;

  private final Node node;
  private final Function<Command, CompletableFuture<CommandResult>> proposals;
  private final TouchRecorder touches;
  private final LeaseKeepAlives keepAlives;
  private final Counters counters;
  private final MemberAddresses self;
  private final Settings initialSettings;
  private final NodeClock clock;
  private final List<Future<?>> timers = new ArrayList<>();
  private final AtomicBoolean advertising = new AtomicBoolean();
  private final AtomicBoolean configuring = new AtomicBoolean();
  private final AtomicBoolean touching = new AtomicBoolean();
  private final AtomicBoolean expiring = new AtomicBoolean();
  /** LeaseKeepAlive commands proposed and not yet answered. */
  private final AtomicInteger keepAlivesInFlight = new AtomicInteger();
  /** When the newest of them was proposed, by the clock; on the clock's thread only. */
  private long newestKeepAliveNanos;
  private final AtomicBoolean expiringLeases = new AtomicBoolean();

  /** @param clock runs the housekeeping: a clock of its own, so requests never wait for it */
  public Housekeeping(KvService kv, RaftNode raft, MemberAddresses self,
      Settings initialSettings, NodeClock clock, Counters counters) {
    this(nodeOf(raft), kv::propose, kv.touches(), kv.keepAlives(), counters, self,
        initialSettings, clock);
  }

  Housekeeping(Node node, Function<Command, CompletableFuture<CommandResult>> proposals,
      TouchRecorder touches, LeaseKeepAlives keepAlives, Counters counters,
      MemberAddresses self, Settings initialSettings, NodeClock clock) {
    this.node = node;
    this.proposals = proposals;
    this.touches = touches;
    this.keepAlives = keepAlives;
    this.counters = counters;
    this.self = self;
    this.initialSettings = initialSettings;
    this.clock = clock;
  }

  private static Node nodeOf(RaftNode raft) {
    PensieveStateMachine stateMachine = raft.stateMachine();
    return new Node() {
      @Override
      public boolean joined() {
        return raft.joined();
      }

      @Override
      public boolean knowsLeader() {
        return raft.leaderId().isPresent();
      }

      @Override
      public boolean isLeader() {
        return raft.isLeader();
      }

      @Override
      public boolean advertises(MemberAddresses self) {
        return self.equals(stateMachine.memberAddresses().get(self.getMemberId()));
      }

      @Override
      public boolean isConfigured() {
        return stateMachine.isConfigured();
      }

      @Override
      public Settings settings() {
        return stateMachine.settings();
      }

      @Override
      public boolean hasExpiredEntries() {
        return stateMachine.hasExpiredEntries();
      }

      @Override
      public List<Long> expiredLeases(int max) {
        return stateMachine.expiredLeases(max);
      }
    };
  }

  public synchronized void start(Duration touchInterval, Duration cleanupInterval) {
    schedule(this::bootstrap, BOOTSTRAP_PERIOD);
    schedule(this::touch, touchInterval);
    schedule(this::expire, cleanupInterval);
    schedule(this::keepAlive, LeaseKeepAlives.INTERVAL);
    schedule(this::expireLeases, cleanupInterval);
  }

  private void schedule(Runnable task, Duration period) {
    timers.add(clock.scheduleWithFixedDelay(() -> {
      try {
        if (node.joined()) { // not once the node is removed from the cluster
          task.run();
        }
      } catch (RuntimeException e) {
        LOG.warn("Housekeeping task failed; it runs again next period", e);
      }
    }, period, period));
  }

  private void bootstrap() {
    if (!node.knowsLeader()) {
      return;
    }
    if (!node.advertises(self)) {
      propose(advertising, Command.newBuilder().setAdvertise(self).build(), "advertise");
    }
    if (node.isLeader() && !node.isConfigured()) {
      propose(configuring, ConfigureCommands.initial(initialSettings), "configure");
    }
  }

  private void touch() {
    Settings settings = node.settings();
    touches.enable(settings.maxEntries() > 0 || settings.maxBytes() > 0);
    if (touching.get()) {
      return; // the keys read meanwhile wait for the next interval, not dropped
    }
    List<ByteString> keys = touches.drain();
    if (!keys.isEmpty() && node.knowsLeader()) {
      propose(touching, Command.newBuilder()
          .setTouch(TouchCommand.newBuilder().addAllKeys(keys)).build(), "touch");
    }
  }

  private void expire() {
    if (node.isLeader() && node.hasExpiredEntries()) {
      propose(expiring, Command.newBuilder().setExpire(
          ExpireCommand.newBuilder().setMaxEntries(LruTtlMap.EXPIRE_COMMAND_LIMIT)).build(),
          "expire");
    }
  }

  /**
   * Proposes the renewals received since the last one, unless the last is still in flight:
   * then they wait for the next interval. Any node proposes, the leader included.
   *
   * <p>Unless the last has been in flight for {@link #KEEP_ALIVE_STALLED}: a command sent to a
   * leader that just died waits out the Raft client's attempt timeout (3 s) before it goes to
   * the new one, and every renewal queued behind it would wait too, long enough for a lease
   * of the shortest TTL (5 s, renewed every 1.7 s) to expire. Then another command goes, up to
   * {@link #MAX_KEEP_ALIVES_IN_FLIGHT}: renewing a lease twice only renews it twice.
   */
  private void keepAlive() {
    int inFlight = keepAlivesInFlight.get();
    boolean lastIsRecent = inFlight > 0
        && clock.nanoTime() - newestKeepAliveNanos < KEEP_ALIVE_STALLED.toNanos();
    if (inFlight >= MAX_KEEP_ALIVES_IN_FLIGHT || lastIsRecent) {
      return;
    }
    LeaseKeepAlives.Batch batch = keepAlives.drain();
    if (batch.isEmpty()) {
      return;
    }
    keepAlivesInFlight.incrementAndGet();
    newestKeepAliveNanos = clock.nanoTime();
    counters.keepAliveProposed();
    CompletableFuture<CommandResult> result;
    try {
      result = proposals.apply(Command.newBuilder().setLeaseKeepAlive(batch.command()).build());
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    // the callback answers the renewals whatever the outcome; nothing reads what it returns
    var unused = result.whenComplete((applied, failure) -> {
      keepAlivesInFlight.decrementAndGet();
      if (failure != null) {
        batch.fail(failure);
      } else {
        batch.complete(applied);
      }
    });
  }

  private void expireLeases() {
    if (!node.isLeader()) {
      return;
    }
    List<Long> expired = node.expiredLeases(CommandValidator.MAX_LEASE_IDS);
    if (expired.isEmpty() || !expiringLeases.compareAndSet(false, true)) {
      return;
    }
    var unused = proposals.apply(Command.newBuilder()
        .setLeaseExpire(LeaseExpireCommand.newBuilder().addAllIds(expired)).build())
        .whenComplete((result, failure) -> {
          expiringLeases.set(false);
          if (failure != null) {
            LOG.debug("Proposing lease expiry failed; trying again later: {}", failure.toString());
          } else if (result.hasError()) {
            LOG.warn("The cluster refused this node's lease expiry: {}",
                result.getError().getMessage());
          } else if (result.getLeaseExpire().getRevoked() > 0) {
            counters.leasesExpired(result.getLeaseExpire().getRevoked());
            LOG.info("Leases expired: revoked={} keysDeleted={}",
                result.getLeaseExpire().getRevoked(), result.getLeaseExpire().getDeleted());
          }
        });
  }

  private void propose(AtomicBoolean inFlight, Command command, String what) {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    // the callback handles both outcomes; the future whenComplete returns has no reader
    var unused = proposals.apply(command).whenComplete((result, failure) -> {
      inFlight.set(false);
      if (failure != null) {
        LOG.debug("Proposing {} failed; trying again later: {}", what, failure.toString());
      } else if (result.hasError()) {
        LOG.warn("The cluster refused this node's {}: {}", what, result.getError().getMessage());
      }
    });
  }

  /** Stops proposing; the clock itself belongs to whoever passed it. */
  @Override
  public synchronized void close() {
    timers.forEach(timer -> timer.cancel(false));
  }
}
