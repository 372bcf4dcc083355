package io.pensieve.jepsen.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes. */
public final class Poll {
  private static final long PAUSE_MILLIS = 200;

  private Poll() {}

  /** Whether {@code condition} held before {@code atMost} passed. */
  public static boolean until(Duration atMost, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(PAUSE_MILLIS);
    }
    return true;
  }
}
