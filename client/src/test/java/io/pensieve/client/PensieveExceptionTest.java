package io.pensieve.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.Outcome;
import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** What a failed call tells its caller: where it failed and whether anything was applied. */
class PensieveExceptionTest {

  private static PensieveException fromNode(String code, boolean write) {
    Metadata trailers = new Metadata();
    trailers.put(ErrorTrailer.KEY, code);
    return PensieveException.of(Status.UNAVAILABLE.withDescription("no leader known")
        .asRuntimeException(trailers), write, "127.0.0.1:9001");
  }

  @Test
  void aNodesRefusalCarriesItsRowOfTheErrorTable() {
    PensieveException failure = fromNode("no_leader", true);

    assertThat(failure.source()).isEqualTo(PensieveException.Source.NODE);
    assertThat(failure.contract()).hasValueSatisfying(
        contract -> assertThat(contract.code()).isEqualTo(ErrorCode.ERROR_CODE_NO_LEADER));
    assertThat(failure.code()).isEqualTo("no_leader");
    assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_NOT_APPLIED);
    assertThat(failure.retrySafe()).isTrue();
    assertThat(failure.endpoint()).isEqualTo("127.0.0.1:9001");
    assertThat(failure).hasMessage("127.0.0.1:9001: no_leader: no leader known");
  }

  @Test
  void anUnknownOutcomeSaysSo() {
    PensieveException failure = fromNode("unknown_outcome", true);

    assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_UNKNOWN);
    assertThat(failure.nothingApplied()).isFalse();
    assertThat(failure.retrySafe()).isFalse();
  }

  @Test
  void aCodeThisClientDoesNotKnowMayHaveApplied() {
    PensieveException failure = fromNode("from_a_newer_node", true);

    assertThat(failure.contract()).isEmpty();
    assertThat(failure.nodeCode()).contains("from_a_newer_node");
    assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_UNKNOWN);
    assertThat(failure.retrySafe()).isFalse();
  }

  @Test
  void aConnectionNeverMadeSentNothing() {
    for (Throwable cause : new Throwable[] {new ConnectException("Connection refused"),
        new SSLHandshakeException("PKIX path building failed")}) {
      PensieveException failure = PensieveException.of(Status.UNAVAILABLE.withCause(cause)
          .asRuntimeException(), true, "127.0.0.1:9001");

      assertThat(failure.source()).isEqualTo(PensieveException.Source.NEVER_CONNECTED);
      assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_NOT_APPLIED);
      assertThat(failure.retrySafe()).isTrue();
    }
  }

  @Test
  void aWriteWithoutAnAnswerMayHaveApplied() {
    PensieveException failure = PensieveException.of(Status.DEADLINE_EXCEEDED
        .asRuntimeException(), true, "127.0.0.1:9001");

    assertThat(failure.source()).isEqualTo(PensieveException.Source.MAYBE_SENT);
    assertThat(failure.code()).isEqualTo("deadline_exceeded");
    assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_UNKNOWN);
    assertThat(failure.retrySafe()).isFalse();
  }

  @Test
  void aReadWithoutAnAnswerChangedNothing() {
    PensieveException failure = PensieveException.of(Status.UNAVAILABLE.asRuntimeException(),
        false, "127.0.0.1:9001");

    assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_NOT_A_WRITE);
    assertThat(failure.retrySafe()).isTrue();
  }
}
