package io.pensieve.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.pensieve.api.ErrorTrailer;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a failed call goes out again, decided from the error table and the attempt count. */
class RetryPolicyTest {
  private static final long PLENTY = TimeUnit.SECONDS.toNanos(10);
  private final RetryPolicy policy =
      new RetryPolicy(6, Duration.ofMillis(50), Duration.ofMillis(300));

  private static PensieveException node(String code, Status status, boolean write) {
    Metadata trailers = new Metadata();
    trailers.put(ErrorTrailer.KEY, code);
    return PensieveException.of(status.asRuntimeException(trailers), write, "n1:9001");
  }

  private static PensieveException refused(boolean write) {
    return PensieveException.of(Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new ConnectException("Connection refused")).asRuntimeException(), write,
        "n1:9001");
  }

  private static PensieveException noAnswer(Status status, boolean write) {
    return PensieveException.of(status.asRuntimeException(), write, "n1:9001");
  }

  @Test
  void aWriteTheNodeRefusedBeforeTheLogIsSentAgain() {
    assertThat(policy.retry(node("no_leader", Status.UNAVAILABLE, true), 1, PLENTY, 3)).isTrue();
    assertThat(policy.retry(node("overloaded", Status.UNAVAILABLE, true), 1, PLENTY, 3))
        .isTrue();
  }

  @Test
  void aWriteOfUnknownOutcomeIsNeverSentAgain() {
    assertThat(policy.retry(node("unknown_outcome", Status.DEADLINE_EXCEEDED, true), 1, PLENTY,
        3)).isFalse();
    assertThat(policy.retry(node("internal", Status.INTERNAL, true), 1, PLENTY, 3)).isFalse();
    assertThat(policy.retry(noAnswer(Status.DEADLINE_EXCEEDED, true), 1, PLENTY, 3)).isFalse();
    assertThat(policy.retry(noAnswer(Status.UNAVAILABLE, true), 1, PLENTY, 3)).isFalse();
  }

  @Test
  void aWriteNeverSentIsSentToTheNextEndpoint() {
    assertThat(policy.retry(refused(true), 1, PLENTY, 3)).isTrue();
  }

  @Test
  void aReadIsSentAgainAfterAnyRetryableFailureAndAConnectionLost() {
    assertThat(policy.retry(node("unavailable", Status.UNAVAILABLE, false), 1, PLENTY, 3))
        .isTrue();
    assertThat(policy.retry(noAnswer(Status.UNAVAILABLE, false), 1, PLENTY, 3)).isTrue();
    assertThat(policy.retry(refused(false), 1, PLENTY, 3)).isTrue();
  }

  @Test
  void aFailureThatWouldRecurIsFinal() {
    assertThat(policy.retry(node("permission_denied", Status.PERMISSION_DENIED, false), 1,
        PLENTY, 3)).isFalse();
    assertThat(policy.retry(node("invalid_argument", Status.INVALID_ARGUMENT, true), 1, PLENTY,
        3)).isFalse();
    assertThat(policy.retry(node("a_code_of_a_newer_node", Status.UNAVAILABLE, false), 1,
        PLENTY, 3)).isFalse();
  }

  @Test
  void attemptsAndTheDeadlineBoundTheRetries() {
    PensieveException noLeader = node("no_leader", Status.UNAVAILABLE, true);
    assertThat(policy.retry(noLeader, 5, PLENTY, 3)).isTrue();
    assertThat(policy.retry(noLeader, 6, PLENTY, 3)).isFalse();
    // after a full round comes a pause: no time for it, no retry
    assertThat(policy.retry(noLeader, 3, TimeUnit.MILLISECONDS.toNanos(20), 3)).isFalse();
    assertThat(policy.retry(noLeader, 2, TimeUnit.MILLISECONDS.toNanos(20), 3)).isTrue();
  }

  @Test
  void endpointsAreTakenInTurnAndEachFullRoundPausesLonger() {
    assertThat(RetryPolicy.next(0, 3)).isEqualTo(1);
    assertThat(RetryPolicy.next(2, 3)).isEqualTo(0);
    assertThat(policy.pauseNanos(1, 3)).isZero();
    assertThat(policy.pauseNanos(2, 3)).isZero();
    assertThat(policy.pauseNanos(3, 3)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(policy.pauseNanos(6, 3)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(policy.pauseNanos(30, 3)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(policy.pauseNanos(1, 1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }
}
