package io.pensieve.server.time;

import io.pensieve.server.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real time, and one thread of the node's own that runs what is scheduled on it. Each part
 * whose timed work must not wait behind another's gets a clock (and so a thread) of its own, as
 * each had its own timer thread before time was injected.
 */
public final class SystemClock implements NodeClock, AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  private SystemClock(String threadName) {
    timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
    // timeouts are cancelled far more often than they fire: drop them from the queue at once
    timer.setRemoveOnCancelPolicy(true);
    // a reply that lands while the node stops may still start a timeout: dropped, as tasks
    // pending at close are, rather than thrown into the callback that answers its callers
    timer.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
  }

  /** A clock whose tasks run on a daemon thread called {@code threadName}. */
  public static SystemClock start(String threadName) {
    return new SystemClock(threadName);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Future<?> schedule(Runnable task, Duration delay) {
    return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public Future<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay,
      Duration period) {
    return timer.scheduleWithFixedDelay(task, initialDelay.toNanos(), period.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** Stops the thread; tasks not yet run, and any scheduled from now on, never run. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
