package io.pensieve.server.time;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Where the node's timed code reads the time and schedules what runs later: request timeouts,
 * retry pauses, periodic looks. It is passed in rather than read from {@link System#nanoTime}
 * and executors, so that tests step time forward themselves ({@code ManualClock}) instead of
 * waiting for it, as etcd's raft core is driven by {@code Tick()}.
 *
 * <p>Scheduled tasks run on the clock's thread and must not block: whatever may wait is handed
 * to an executor of its own.
 */
public interface NodeClock {
  /**
   * Monotonic nanoseconds, as {@link System#nanoTime}: only the difference of two means
   * anything, since they may wrap.
   */
  long nanoTime();

  /** Runs {@code task} once, {@code delay} from now, unless the handle is cancelled first. */
  Future<?> schedule(Runnable task, Duration delay);

  /**
   * Runs {@code task} after {@code initialDelay}, then {@code period} after each run ends, until
   * the returned handle is cancelled. A run that throws ends the repetition, so tasks catch what
   * they can recover from.
   */
  Future<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration period);

  /**
   * Fails {@code future} with a {@link TimeoutException} unless it completes within {@code
   * timeout} on this clock, as {@link CompletableFuture#orTimeout} does on the wall clock; the
   * timer is cancelled once the future completes. The timeout's callbacks run on the clock's
   * thread.
   *
   * @return {@code future} itself
   */
  default <T> CompletableFuture<T> failAfter(CompletableFuture<T> future, Duration timeout) {
    if (!future.isDone()) {
      Future<?> timer = schedule(() -> future.completeExceptionally(new TimeoutException()),
          timeout);
      // only cancels the timer: nothing reads what whenComplete returns
      var unused = future.whenComplete((result, failure) -> timer.cancel(false));
    }
    return future;
  }
}
