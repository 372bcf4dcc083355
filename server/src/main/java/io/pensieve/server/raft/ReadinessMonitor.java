package io.pensieve.server.raft;

import io.pensieve.server.DaemonThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out the node's {@link Readiness} every {@link #PERIOD}, remembering the commit index
 * of the previous look, so that {@code GET /ready} and the gRPC health service give one answer:
 * the first asks for the latest look, the second is told of each. Ratis tells no listener when
 * the commit index moves, hence the polling.
 */
final class ReadinessMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadinessMonitor.class);
  static final Duration PERIOD = Duration.ofMillis(200);

  private final RaftNode raft;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("pensieve-readiness"));
  /** Only the timer thread touches it. */
  private long previousCommitIndex = Long.MAX_VALUE;
  private volatile Readiness current = Readiness.NOT_MEMBER;
  private final List<Consumer<Readiness>> listeners = new CopyOnWriteArrayList<>();

  ReadinessMonitor(RaftNode raft) {
    this.raft = raft;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::look, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void look() {
    try {
      Readiness readiness = Readiness.of(raft, previousCommitIndex);
      previousCommitIndex = readiness.commitIndex() < 0 ? Long.MAX_VALUE
          : readiness.commitIndex();
      current = readiness;
      listeners.forEach(listener -> listener.accept(readiness));
    } catch (RuntimeException e) {
      LOG.warn("Could not work out or report readiness; it is looked at again next period", e);
    }
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
