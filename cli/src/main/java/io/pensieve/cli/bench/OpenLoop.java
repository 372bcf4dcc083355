package io.pensieve.cli.bench;

/**
 * The open-loop schedule of {@code --rate}: request {@code i} (from 0) is due at {@code start +
 * i / rate}. Each time is computed from its index, never by adding intervals, so rounding does
 * not drift over a long run. A request's latency is measured from this intended time, not from
 * when it was sent: when the cluster falls behind, requests wait for a free connection and that
 * wait counts, instead of being hidden by a client that slows down with the cluster
 * ("coordinated omission").
 */
public record OpenLoop(long startNanos, double perSecond) {
  private static final double NANOS_PER_SECOND = 1e9;

  public OpenLoop {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("a rate must be positive, got " + perSecond);
    }
  }

  /** When request {@code index} is due, on the {@link System#nanoTime} clock. */
  public long intendedNanos(long index) {
    return startNanos + (long) Math.floor(index * NANOS_PER_SECOND / perSecond);
  }

  /** How many requests are due at or before {@code nowNanos}. */
  public long dueBy(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    long due = (long) Math.floor((nowNanos - startNanos) * perSecond / NANOS_PER_SECOND) + 1;
    // floating point may put a request due exactly at now on either side: ask the schedule
    while (due > 0 && intendedNanos(due - 1) > nowNanos) {
      due--;
    }
    while (intendedNanos(due) <= nowNanos) {
      due++;
    }
    return due;
  }
}
