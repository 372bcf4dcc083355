package io.pensieve.client;

import java.time.Duration;

/**
 * When a failed call is sent again, and where: the whole decision, pure, shared by the blocking
 * and the asynchronous calls. A call starts at the endpoint that last answered and moves to the
 * next endpoint after each failure; after a full round of failures it pauses, longer each round,
 * so that an election can end.
 *
 * @param maxAttempts attempts per call, the first included
 * @param pause the pause after the first full round; doubled each round, up to {@code maxPause}
 */
record RetryPolicy(int maxAttempts, Duration pause, Duration maxPause) {
  RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts " + maxAttempts + " < 1");
    }
    if (pause.isNegative() || maxPause.compareTo(pause) < 0) {
      throw new IllegalArgumentException("pause " + pause + " not in 0.." + maxPause);
    }
  }

  /**
   * Whether to send the call again after its {@code attempts}-th attempt failed with
   * {@code failure}: only when the failure says it is safe ({@link PensieveException#retrySafe},
   * from the error table), attempts remain, and the deadline leaves time for the pause and more.
   */
  boolean retry(PensieveException failure, int attempts, long remainingNanos, int endpoints) {
    return failure.retrySafe() && attempts < maxAttempts
        && remainingNanos > pauseNanos(attempts, endpoints);
  }

  /** The endpoint after {@code current}, in turn. */
  static int next(int current, int endpoints) {
    return (current + 1) % endpoints;
  }

  /** The pause before the attempt after the {@code attempts}-th: none inside a round. */
  long pauseNanos(int attempts, int endpoints) {
    if (attempts % endpoints != 0) {
      return 0;
    }
    int round = attempts / endpoints;
    long nanos = pause.toNanos() << Math.min(round - 1, 20);
    return Math.min(nanos, maxPause.toNanos());
  }
}
