package io.pensieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class OpStatsTest {
  private static final long MS = 1_000_000;

  @Test
  void onlyRequestsStartedInsideTheWindowAreMeasuredHoweverLateTheyEnd() {
    LatencyStats stats = new LatencyStats();
    stats.window(1_000 * MS, 2_000 * MS);

    stats.record(Op.PUT, 999 * MS, 1_001 * MS, null);          // warmup
    stats.record(Op.PUT, 1_000 * MS, 1_004 * MS, null);        // first in the window
    stats.record(Op.PUT, 1_999 * MS, 2_500 * MS, null);        // ends after the window
    stats.record(Op.PUT, 2_000 * MS, 2_001 * MS, null);        // after the window
    stats.record(Op.PUT, 1_500 * MS, 1_600 * MS, "UNAVAILABLE");
    stats.record(Op.PUT, 500 * MS, 600 * MS, "UNAVAILABLE");   // warmup

    Histogram put = stats.measured(Op.PUT);
    assertThat(put.getTotalCount()).isEqualTo(2);
    assertThat(put.getMaxValue() / (double) MS).isCloseTo(501, within(1.0));
    assertThat(stats.measuredErrors(Op.PUT)).containsExactly(Map.entry("UNAVAILABLE", 1L));
    assertThat(stats.measured(Op.GET).getTotalCount()).isZero();
    assertThat(stats.errorsSoFar()).isEqualTo(2);
  }

  @Test
  void figuresComeFromTheHistogramInMillisecondsOverTheWindow() {
    Histogram histogram = new Histogram(3);
    for (long millis = 1; millis <= 100; millis++) {
      histogram.recordValue(millis * MS);
    }

    OpStats stats = OpStats.of(histogram, Map.of("timeout", 2L, "HTTP_503/overloaded", 1L), 2.0);

    assertThat(stats.ops()).isEqualTo(100);
    assertThat(stats.opsPerSecond()).isEqualTo(50);
    assertThat(stats.p50Millis()).isCloseTo(50, within(0.1));
    assertThat(stats.p90Millis()).isCloseTo(90, within(0.1));
    assertThat(stats.p99Millis()).isCloseTo(99, within(0.1));
    assertThat(stats.p999Millis()).isCloseTo(100, within(0.1));
    assertThat(stats.maxMillis()).isCloseTo(100, within(0.1));
    assertThat(stats.meanMillis()).isCloseTo(50.5, within(0.1));
    assertThat(stats.errors()).isEqualTo(3);
    assertThat(stats.errorsByKind().keySet()).containsExactly("HTTP_503/overloaded", "timeout");
  }

  @Test
  void theTotalAddsTheOperationsHistogramsAndErrors() {
    Histogram gets = new Histogram(3);
    Histogram puts = new Histogram(3);
    for (int i = 0; i < 90; i++) {
      gets.recordValue(1 * MS);
    }
    for (int i = 0; i < 10; i++) {
      puts.recordValue(10 * MS);
    }

    OpStats total = OpStats.combined(List.of(gets, puts),
        List.of(Map.of("UNAVAILABLE", 1L), Map.of("UNAVAILABLE", 2L, "timeout", 1L)), 10.0);

    assertThat(total.ops()).isEqualTo(100);
    assertThat(total.opsPerSecond()).isEqualTo(10);
    assertThat(total.p50Millis()).isCloseTo(1, within(0.01));
    assertThat(total.p99Millis()).isCloseTo(10, within(0.01));
    assertThat(total.errorsByKind()).containsExactly(Map.entry("UNAVAILABLE", 3L),
        Map.entry("timeout", 1L));
  }

  @Test
  void nothingMeasuredIsZeroesNotAnError() {
    OpStats stats = OpStats.of(new Histogram(3), Map.of("UNAVAILABLE", 5L), 1.0);

    assertThat(stats.ops()).isZero();
    assertThat(stats.p99Millis()).isZero();
    assertThat(stats.maxMillis()).isZero();
    assertThat(stats.errors()).isEqualTo(5);
  }

  @Test
  void millisecondsAreShownToThreeSignificantDigits() {
    assertThat(Millis.format(0)).isEqualTo("0");
    assertThat(Millis.format(0.41234)).isEqualTo("0.412");
    assertThat(Millis.format(4.1234)).isEqualTo("4.12");
    assertThat(Millis.format(41.234)).isEqualTo("41.2");
    assertThat(Millis.format(412.34)).isEqualTo("412");
    assertThat(Millis.format(4123.4)).isEqualTo("4123");
  }
}
