package io.pensieve.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TtlTest {
  @Test
  void zeroToAHundredYearsIsInRangeInEitherUnit() {
    assertThat(Ttl.checkSeconds("ttl_seconds", 0)).isEmpty();
    assertThat(Ttl.checkSeconds("ttl_seconds", Ttl.MAX_SECONDS)).isEmpty();
    assertThat(Ttl.checkMillis("ttl_millis", Ttl.MAX_MILLIS)).isEmpty();
    assertThat(Ttl.MAX_SECONDS).isEqualTo(3_153_600_000L);
  }

  @Test
  void outOfRangeSaysTheRangeOnceForEveryField() {
    assertThat(Ttl.checkSeconds("--ttl", -1)).hasValue(
        "--ttl must be between 0 (never expires) and 3153600000 seconds, got -1 s");
    assertThat(Ttl.checkSeconds("ttl_seconds", Long.MAX_VALUE)).isPresent();
    assertThat(Ttl.checkMillis("ttl_millis", Ttl.MAX_MILLIS + 1)).hasValue(
        "ttl_millis must be between 0 (never expires) and 3153600000 seconds, got "
            + (Ttl.MAX_MILLIS + 1) + " ms");
  }
}
