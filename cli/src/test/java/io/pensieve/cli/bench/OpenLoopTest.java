package io.pensieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenLoopTest {
  private static final long START = 5_000_000_000L;

  @Test
  void requestsAreDueAtFixedIntervalsFromTheStart() {
    OpenLoop schedule = new OpenLoop(START, 1000);

    assertThat(schedule.intendedNanos(0)).isEqualTo(START);
    assertThat(schedule.intendedNanos(1)).isEqualTo(START + 1_000_000);
    assertThat(schedule.intendedNanos(250)).isEqualTo(START + 250_000_000);
  }

  @Test
  void eachTimeComesFromItsIndexSoRoundingNeverDrifts() {
    OpenLoop thirds = new OpenLoop(START, 3);

    assertThat(thirds.intendedNanos(1)).isEqualTo(START + 333_333_333);
    assertThat(thirds.intendedNanos(3)).isEqualTo(START + 1_000_000_000);
    assertThat(thirds.intendedNanos(3 * 3600)).isEqualTo(START + 3600 * 1_000_000_000L);
  }

  @Test
  void dueByCountsTheRequestsDueAtOrBeforeNow() {
    OpenLoop schedule = new OpenLoop(START, 1000);

    assertThat(schedule.dueBy(START - 1)).isZero();
    assertThat(schedule.dueBy(START)).isEqualTo(1);
    assertThat(schedule.dueBy(START + 999_999)).isEqualTo(1);
    assertThat(schedule.dueBy(START + 1_000_000)).isEqualTo(2);
    assertThat(schedule.dueBy(START + 1_000_000_000)).isEqualTo(1001);
  }

  @Test
  void dueByAgreesWithTheIntendedTimesAtAnOddRate() {
    OpenLoop schedule = new OpenLoop(START, 7919.5);

    for (long i = 0; i < 20_000; i++) {
      long due = schedule.intendedNanos(i);
      assertThat(schedule.dueBy(due)).as("request %d", i).isEqualTo(i + 1);
      assertThat(schedule.dueBy(due - 1)).as("just before request %d", i).isEqualTo(i);
    }
  }

  @Test
  void aRateMustBePositive() {
    assertThatThrownBy(() -> new OpenLoop(START, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OpenLoop(START, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
