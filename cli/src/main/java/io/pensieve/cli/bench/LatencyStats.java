package io.pensieve.cli.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one measurement saw, recorded from any thread: for each operation a latency histogram
 * (nanoseconds, 3 significant digits) and errors counted by kind. Only requests that started
 * (or were due, in open loop) inside the measured window count, however late they end, so
 * warmup stays out and the last requests are not cut short. Beside it, every request feeds the
 * progress line, window or not.
 */
final class LatencyStats {
  private final Map<Op, Recorder> latencies = new EnumMap<>(Op.class);
  private final Map<Op, Map<String, LongAdder>> errors = new EnumMap<>(Op.class);
  private final Recorder recent = new Recorder(3);
  private final LongAdder recentErrors = new LongAdder();
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  LatencyStats() {
    for (Op op : Op.values()) {
      latencies.put(op, new Recorder(3));
      errors.put(op, new ConcurrentHashMap<>());
    }
  }

  /** Requests that start from {@code startNanos} to before {@code endNanos} are measured. */
  void window(long startNanos, long endNanos) {
    windowEnd = endNanos;
    windowStart = startNanos;
  }

  /**
   * @param startNanos when the request was sent (closed loop) or due (open loop)
   * @param errorKind null for a success
   */
  void record(Op op, long startNanos, long endNanos, String errorKind) {
    boolean measured = startNanos >= windowStart && startNanos < windowEnd;
    if (errorKind != null) {
      recentErrors.increment();
      if (measured) {
        errors.get(op).computeIfAbsent(errorKind, kind -> new LongAdder()).increment();
      }
      return;
    }
    long latency = Math.max(0, endNanos - startNanos);
    recent.recordValue(latency);
    if (measured) {
      latencies.get(op).recordValue(latency);
    }
  }

  /** The successes since the previous call, all operations together (the progress line). */
  Histogram takeRecent(Histogram recycle) {
    return recent.getIntervalHistogram(recycle);
  }

  /** Every error so far, in or out of the window (the progress line). */
  long errorsSoFar() {
    return recentErrors.sum();
  }

  /** The measured latencies of {@code op}; call once, after the last request ended. */
  Histogram measured(Op op) {
    return latencies.get(op).getIntervalHistogram();
  }

  /** The measured errors of {@code op}, by kind, in name order. */
  Map<String, Long> measuredErrors(Op op) {
    Map<String, Long> counts = new TreeMap<>();
    errors.get(op).forEach((kind, count) -> counts.put(kind, count.sum()));
    return counts;
  }
}
