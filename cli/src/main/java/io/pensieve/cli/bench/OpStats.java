package io.pensieve.cli.bench;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The figures of one operation (or of all together) over a measured window: successful
 * requests, their rate, latency percentiles in milliseconds, and failed requests by kind.
 * Latencies are of successful requests only; a failure is counted, never timed. Errors
 * are in name order.
 */
public record OpStats(long ops, double opsPerSecond, double meanMillis, double p50Millis,
                      double p90Millis, double p99Millis, double p999Millis, double maxMillis,
                      Map<String, Long> errorsByKind) {
  private static final double NANOS_PER_MILLI = 1e6;

  public OpStats {
    errorsByKind = Collections.unmodifiableMap(new TreeMap<>(errorsByKind));
  }

  /** @param histogram latencies in nanoseconds, over {@code seconds} */
  static OpStats of(Histogram histogram, Map<String, Long> errorsByKind, double seconds) {
    long ops = histogram.getTotalCount();
    return new OpStats(ops, seconds > 0 ? ops / seconds : 0,
        ops == 0 ? 0 : histogram.getMean() / NANOS_PER_MILLI,
        millis(histogram, 50), millis(histogram, 90), millis(histogram, 99),
        millis(histogram, 99.9),
        ops == 0 ? 0 : histogram.getMaxValue() / NANOS_PER_MILLI, errorsByKind);
  }

  /** All operations as one: their histograms and errors added. */
  static OpStats combined(Collection<Histogram> histograms,
      Collection<Map<String, Long>> errors, double seconds) {
    Histogram all = new Histogram(3);
    histograms.forEach(all::add);
    Map<String, Long> kinds = new TreeMap<>();
    errors.forEach(byKind -> byKind.forEach((kind, count) -> kinds.merge(kind, count, Long::sum)));
    return of(all, kinds, seconds);
  }

  private static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0
        : histogram.getValueAtPercentile(percentile) / NANOS_PER_MILLI;
  }

  /** Failed requests, all kinds together. */
  public long errors() {
    return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
  }
}
