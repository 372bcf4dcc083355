package io.pensieve.server.raft;

import io.pensieve.server.DaemonThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out the node's {@link Readiness} every {@link #PERIOD}, so that {@code GET /ready} and
 * the gRPC health service give one answer: the first asks for the latest look, the second is
 * told of each. Each look also starts a ReadIndex round with the leader unless one is still
 * out ({@link RaftNode#confirmCaughtUp}); the node counts as caught up while the latest round
 * that succeeded began at most {@link #CAUGHT_UP_FOR} ago.
 */
final class ReadinessMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadinessMonitor.class);
  static final Duration PERIOD = Duration.ofMillis(200);
  /** Long enough for a round on a busy node; a round that takes longer is given up. */
  static final Duration CAUGHT_UP_FOR = Duration.ofSeconds(1);

  private final RaftNode raft;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("pensieve-readiness"));
  /** The latest round; only the timer thread touches it. */
  private CompletableFuture<Void> round = CompletableFuture.completedFuture(null);
  /**
   * When the latest round that succeeded began ({@link System#nanoTime}). Rounds run one at a
   * time, so each success is later than the one before.
   */
  private volatile long caughtUpAsOf = System.nanoTime() - 2 * CAUGHT_UP_FOR.toNanos();
  private volatile Readiness current = Readiness.NOT_MEMBER;
  private final List<Consumer<Readiness>> listeners = new CopyOnWriteArrayList<>();

  ReadinessMonitor(RaftNode raft) {
    this.raft = raft;
  }

  void start() {
    // look() catches its own failures, so nothing waits on the scheduled future
    var unused =
        timer.scheduleWithFixedDelay(this::look, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void look() {
    try {
      if (raft.joined() && raft.leaderId().isPresent()) {
        startRound();
      }
      boolean caughtUp = System.nanoTime() - caughtUpAsOf <= CAUGHT_UP_FOR.toNanos();
      Readiness readiness = Readiness.of(raft, caughtUp);
      current = readiness;
      listeners.forEach(listener -> listener.accept(readiness));
    } catch (RuntimeException e) {
      LOG.warn("Could not work out or report readiness; it is looked at again next period", e);
    }
  }

  private void startRound() {
    if (!round.isDone()) {
      return;
    }
    long began = System.nanoTime();
    round = raft.confirmCaughtUp()
        .orTimeout(CAUGHT_UP_FOR.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((done, failure) -> {
          if (failure == null) {
            caughtUpAsOf = began;
          }
        });
  }

  /** Tells {@code listener} of the latest look now, then of every look. */
  void watch(Consumer<Readiness> listener) {
    listeners.add(listener);
    listener.accept(current);
  }

  void unwatch(Consumer<Readiness> listener) {
    listeners.remove(listener);
  }

  /** As of the last look, at most one period ago. */
  Readiness current() {
    return current;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
