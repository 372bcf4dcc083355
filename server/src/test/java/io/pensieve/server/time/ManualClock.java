package io.pensieve.server.time;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * A clock that moves only when the test says so. {@link #advance} runs every task falling due
 * on the way, in order of due time (ties in the order scheduled), each with the clock showing
 * its due time; tasks scheduled by a task run too if they fall due in the same step. Nothing
 * runs on another thread, so a test is deterministic and takes no real time.
 *
 * <p>It starts half a second short of {@code Long.MAX_VALUE}, so that nanosecond times wrap
 * early in most tests: code that compares {@code nanoTime()} values other than by their
 * difference (as {@link System#nanoTime} requires) fails them.
 */
public final class ManualClock implements NodeClock {
  private static final long START_NANOS = Long.MAX_VALUE - Duration.ofMillis(500).toNanos();

  private final PriorityQueue<Timer> timers = new PriorityQueue<>(
      Comparator.<Timer>comparingLong(timer -> timer.dueNanos - START_NANOS)
          .thenComparingLong(timer -> timer.order));
  private long nowNanos = START_NANOS;
  private long scheduled;

  @Override
  public synchronized long nanoTime() {
    return nowNanos;
  }

  @Override
  public Future<?> schedule(Runnable task, Duration delay) {
    return add(new Timer(task, delay.toNanos(), 0));
  }

  @Override
  public Future<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay,
      Duration period) {
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("the period must be positive: " + period);
    }
    return add(new Timer(task, initialDelay.toNanos(), period.toNanos()));
  }

  /** Moves time forward by {@code step}, running each task that falls due on the way. */
  public void advance(Duration step) {
    long target;
    synchronized (this) {
      target = nowNanos + step.toNanos();
    }
    for (Timer due; (due = nextDueBy(target)) != null; ) {
      due.fire();
    }
    synchronized (this) {
      nowNanos = target;
    }
  }

  /** Runs the tasks due now, such as those scheduled with no delay. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks wait to run, cancelled ones aside. */
  public synchronized int pending() {
    return (int) timers.stream().filter(timer -> !timer.isCancelled()).count();
  }

  private synchronized Timer nextDueBy(long targetNanos) {
    while (!timers.isEmpty()) {
      Timer next = timers.peek();
      if (next.isCancelled()) {
        timers.poll();
        continue;
      }
      if (next.dueNanos - targetNanos > 0) {
        return null;
      }
      timers.poll();
      nowNanos = next.dueNanos;
      return next;
    }
    return null;
  }

  private synchronized Timer add(Timer timer) {
    timer.dueNanos = nowNanos + timer.firstDelayNanos;
    timer.order = scheduled++;
    timers.add(timer);
    return timer;
  }

  /** One scheduled task; a failure ends it (and its repetition), as on a real executor. */
  private final class Timer extends FutureTask<Void> {
    private final long firstDelayNanos;
    private final long periodNanos;
    private long dueNanos;
    private long order;

    Timer(Runnable task, long firstDelayNanos, long periodNanos) {
      super(task, null);
      this.firstDelayNanos = Math.max(0, firstDelayNanos);
      this.periodNanos = periodNanos;
    }

    void fire() {
      if (periodNanos == 0) {
        run();
        return;
      }
      if (runAndReset()) {
        synchronized (ManualClock.this) {
          dueNanos = nowNanos + periodNanos;
          order = scheduled++;
          timers.add(this);
        }
      }
    }
  }
}
