package io.pensieve.jepsen.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.pensieve.api.ErrorContract;
import io.pensieve.client.PensieveException;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** A failed write goes into the history as fail only when nothing was applied, else info. */
class OutcomeTest {

  private static Outcome byCode(String code) {
    return Outcome.writeFailed(ErrorContract.named(code), code);
  }

  @Test
  void codesThatSayNothingWasAppliedAreFailures() {
    assertThat(byCode("no_leader").type()).isEqualTo(EventType.FAIL);
    assertThat(byCode("overloaded").type()).isEqualTo(EventType.FAIL);
    assertThat(byCode("value_too_large").type()).isEqualTo(EventType.FAIL);
  }

  @Test
  void codesOfUnknownOutcomeAndCodesNotKnownHereMayHaveApplied() {
    assertThat(byCode("unknown_outcome").type()).isEqualTo(EventType.INFO);
    assertThat(byCode("internal").type()).isEqualTo(EventType.INFO);
    assertThat(byCode("from_a_newer_node").type()).isEqualTo(EventType.INFO);
  }

  @Test
  void aFailedComparisonIsTheCompareFailure() {
    assertThat(byCode("compare_failed")).isEqualTo(Outcome.compareFailed());
    assertThat(byCode("compare_failed").error()).isEqualTo(Event.COMPARE_FAILED);
  }

  @Test
  void overGrpcAConnectionNeverMadeFailsAndALostAnswerIsInfo() {
    PensieveException refused = PensieveException.of(Status.UNAVAILABLE
        .withCause(new ConnectException("Connection refused")).asRuntimeException(), true,
        "127.0.0.1:9001");
    PensieveException lost = PensieveException.of(Status.DEADLINE_EXCEEDED.asRuntimeException(),
        true, "127.0.0.1:9001");

    assertThat(Outcome.writeFailed(refused).type()).isEqualTo(EventType.FAIL);
    assertThat(Outcome.writeFailed(lost).type()).isEqualTo(EventType.INFO);
  }
}
