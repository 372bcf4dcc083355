package io.pensieve.server.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The production clock keeps the promises the manual one is tested against. */
class SystemClockTest {
  @Test
  void aFutureNotCompletedInTimeFailsWithATimeout() {
    try (SystemClock clock = SystemClock.start("system-clock-test")) {
      CompletableFuture<String> future = clock.failAfter(new CompletableFuture<>(),
          Duration.ofMillis(20));

      assertThat(future.handle((result, failure) -> failure)
          .orTimeout(10, TimeUnit.SECONDS).join()).isInstanceOf(TimeoutException.class);
    }
  }

  @Test
  void aClosedClockDropsWhatIsScheduledInsteadOfThrowing() {
    SystemClock clock = SystemClock.start("system-clock-test");
    clock.close();

    assertThatNoException().isThrownBy(() -> {
      Future<?> dropped = clock.schedule(() -> { }, Duration.ZERO);
      assertThat(dropped.isDone()).isFalse();
      clock.failAfter(new CompletableFuture<>(), Duration.ofMillis(1));
    });
  }
}
