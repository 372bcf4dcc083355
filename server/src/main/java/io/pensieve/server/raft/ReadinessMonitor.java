package io.pensieve.server.raft;

import io.pensieve.server.time.NodeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
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

  /** What the monitor looks at: the node's Raft member. */
  interface Member {
    /** Whether it serves as a member of the cluster. */
    boolean joined();

    boolean knowsLeader();

    /** A ReadIndex round that reads nothing; completes once the member has caught up. */
    CompletableFuture<Void> confirmCaughtUp();

    /** @param caughtUp whether a recent round succeeded */
    Readiness readiness(boolean caughtUp);
  }

  private final Member member;
  private final NodeClock clock;
  /** The latest round; only the clock's thread touches it. */
  private CompletableFuture<Void> round = CompletableFuture.completedFuture(null);
  /**
   * When the latest round that succeeded began ({@link NodeClock#nanoTime}). Rounds run one at
   * a time, so each success is later than the one before.
   */
  private volatile long caughtUpAsOf;
  private volatile Readiness current = Readiness.NOT_MEMBER;
  private final List<Consumer<Readiness>> listeners = new CopyOnWriteArrayList<>();
  private volatile Future<?> looks;

  /** @param clock runs the looks: a clock of its own, so that readiness waits for no request */
  ReadinessMonitor(Member member, NodeClock clock) {
    this.member = member;
    this.clock = clock;
    this.caughtUpAsOf = clock.nanoTime() - 2 * CAUGHT_UP_FOR.toNanos();
  }

  void start() {
    looks = clock.scheduleWithFixedDelay(this::look, Duration.ZERO, PERIOD);
  }

  private void look() {
    try {
      if (member.joined() && member.knowsLeader()) {
        startRound();
      }
      boolean caughtUp = clock.nanoTime() - caughtUpAsOf <= CAUGHT_UP_FOR.toNanos();
      Readiness readiness = member.readiness(caughtUp);
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
    long began = clock.nanoTime();
    round = clock.failAfter(member.confirmCaughtUp(), CAUGHT_UP_FOR)
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

  /** Stops looking; the clock itself belongs to whoever passed it. */
  @Override
  public void close() {
    Future<?> started = looks;
    if (started != null) {
      started.cancel(false);
    }
  }
}
