package io.pensieve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.Outcome;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorContractTest {
  @Test
  void everyCodeHasACompleteRow() {
    Arrays.stream(ErrorCode.values())
        .filter(c -> c != ErrorCode.ERROR_CODE_UNSPECIFIED && c != ErrorCode.UNRECOGNIZED)
        .forEach(code -> {
          ErrorContract contract = ErrorContract.of(code);
          assertThat(ErrorContract.named(contract.name())).contains(contract);
          assertThat(contract.respPrefix()).matches("[A-Z]+");
        });
  }

  @Test
  void namesAreTheSnakeCaseCodesClientsSee() {
    assertThat(ErrorContract.of(ErrorCode.ERROR_CODE_NO_LEADER).name()).isEqualTo("no_leader");
    assertThat(ErrorContract.named("unknown_outcome").map(ErrorContract::code))
        .contains(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
    assertThat(ErrorContract.named("no such code")).isEmpty();
  }

  @Test
  void aWriteIsRetriedOnlyWhenItCertainlyDidNotApply() {
    ErrorContract noLeader = ErrorContract.of(ErrorCode.ERROR_CODE_NO_LEADER);
    ErrorContract unknown = ErrorContract.of(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
    ErrorContract invalid = ErrorContract.of(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);

    assertThat(noLeader.retrySafe(true)).isTrue();
    assertThat(unknown.outcome()).isEqualTo(Outcome.OUTCOME_UNKNOWN);
    assertThat(unknown.retrySafe(true)).isFalse();
    assertThat(unknown.nothingApplied()).isFalse();
    assertThat(invalid.nothingApplied()).isTrue();
    assertThat(invalid.retrySafe(false)).isFalse();
  }

  @Test
  void transientRefusalsAreUnavailableEverywhere() {
    for (ErrorCode code : new ErrorCode[] {ErrorCode.ERROR_CODE_NO_LEADER,
        ErrorCode.ERROR_CODE_UNAVAILABLE, ErrorCode.ERROR_CODE_OVERLOADED}) {
      ErrorContract contract = ErrorContract.of(code);
      assertThat(contract.retryable()).isTrue();
      assertThat(contract.httpStatus()).isEqualTo(503);
      assertThat(contract.grpcCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }
}
