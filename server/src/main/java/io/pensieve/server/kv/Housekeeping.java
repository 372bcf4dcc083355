package io.pensieve.server.kv;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.ExpireCommand;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.internal.v1.TouchCommand;
import io.pensieve.server.DaemonThreads;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.statemachine.PensieveStateMachine;
import io.pensieve.statemachine.SettingsMapping;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands a node proposes on its own, on one background thread:
 *
 * <ul>
 *   <li>its advertised REST and gRPC addresses, until the replicated directory holds them;
 *   <li>as leader, the cluster settings from its flags, if none were ever set;
 *   <li>the keys it served reads for, as a Touch, once per touch interval;
 *   <li>as leader, an Expire while its map holds expired entries, once per cleanup interval.
 * </ul>
 *
 * Each kind has at most one proposal in flight, so a slow cluster is never flooded.
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  private static final Duration BOOTSTRAP_PERIOD = Duration.ofMillis(200);

  private final KvService kv;
  private final RaftNode raft;
  private final PensieveStateMachine stateMachine;
  private final MemberAddresses self;
  private final Settings initialSettings;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("pensieve-housekeeping"));
  private final AtomicBoolean advertising = new AtomicBoolean();
  private final AtomicBoolean configuring = new AtomicBoolean();
  private final AtomicBoolean touching = new AtomicBoolean();
  private final AtomicBoolean expiring = new AtomicBoolean();

  public Housekeeping(KvService kv, RaftNode raft, MemberAddresses self,
      Settings initialSettings) {
    this.kv = kv;
    this.raft = raft;
    this.stateMachine = raft.stateMachine();
    this.self = self;
    this.initialSettings = initialSettings;
  }

  public void start(Duration touchInterval, Duration cleanupInterval) {
    schedule(this::bootstrap, BOOTSTRAP_PERIOD);
    schedule(this::touch, touchInterval);
    schedule(this::expire, cleanupInterval);
  }

  private void schedule(Runnable task, Duration period) {
    // the task catches its own failures, so nothing waits on the scheduled future
    var unused = timer.scheduleWithFixedDelay(() -> {
      try {
        if (raft.joined()) { // not once the node is removed from the cluster
          task.run();
        }
      } catch (RuntimeException e) {
        LOG.warn("Housekeeping task failed; it runs again next period", e);
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void bootstrap() {
    if (raft.leaderId().isEmpty()) {
      return;
    }
    if (!self.equals(stateMachine.memberAddresses().get(self.getMemberId()))) {
      propose(advertising, Command.newBuilder().setAdvertise(self).build(), "advertise");
    }
    if (raft.isLeader() && !stateMachine.isConfigured()) {
      propose(configuring, Command.newBuilder().setConfigure(
          SettingsMapping.toCommand(initialSettings).setOnlyIfUnconfigured(true)).build(),
          "configure");
    }
  }

  private void touch() {
    Settings settings = stateMachine.settings();
    kv.touches().enable(settings.maxEntries() > 0 || settings.maxBytes() > 0);
    if (touching.get()) {
      return; // the keys read meanwhile wait for the next interval, not dropped
    }
    List<ByteString> keys = kv.touches().drain();
    if (!keys.isEmpty() && raft.leaderId().isPresent()) {
      propose(touching, Command.newBuilder()
          .setTouch(TouchCommand.newBuilder().addAllKeys(keys)).build(), "touch");
    }
  }

  private void expire() {
    if (raft.isLeader() && stateMachine.hasExpiredEntries()) {
      propose(expiring, Command.newBuilder().setExpire(
          ExpireCommand.newBuilder().setMaxEntries(LruTtlMap.EXPIRE_COMMAND_LIMIT)).build(),
          "expire");
    }
  }

  private void propose(AtomicBoolean inFlight, Command command, String what) {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    // the callback handles both outcomes; the future whenComplete returns has no reader
    var unused = kv.propose(command).whenComplete((result, failure) -> {
      inFlight.set(false);
      if (failure != null) {
        LOG.debug("Proposing {} failed; trying again later: {}", what, failure.toString());
      } else if (result.hasError()) {
        LOG.warn("The cluster refused this node's {}: {}", what, result.getError().getMessage());
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
