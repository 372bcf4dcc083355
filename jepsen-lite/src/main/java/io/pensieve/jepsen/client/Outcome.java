package io.pensieve.jepsen.client;

import io.pensieve.api.ErrorContract;
import io.pensieve.client.PensieveException;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.proto.v1.ErrorCode;
import java.util.Optional;

/** How an operation ended: ok (with the value read), fail (certainly not applied) or info. */
public record Outcome(EventType type, String value, String error) {
  public static Outcome ok(String value) {
    return new Outcome(EventType.OK, value, null);
  }

  public static Outcome fail(String error) {
    return new Outcome(EventType.FAIL, null, error);
  }

  public static Outcome info(String error) {
    return new Outcome(EventType.INFO, null, error);
  }

  public static Outcome compareFailed() {
    return fail(Event.COMPARE_FAILED);
  }

  /** A write's failure over gRPC: a fail only when the client knows nothing was applied. */
  static Outcome writeFailed(PensieveException failure) {
    return failure.nothingApplied() ? fail(failure.getMessage()) : info(failure.getMessage());
  }

  /**
   * A write's failure as a node reported it by its code: a fail only when the error table says
   * nothing was applied; a code this build does not know may have been applied.
   */
  static Outcome writeFailed(Optional<ErrorContract> contract, String detail) {
    if (contract.isPresent() && contract.get().code() == ErrorCode.ERROR_CODE_COMPARE_FAILED) {
      return compareFailed();
    }
    return contract.filter(ErrorContract::nothingApplied).isPresent() ? fail(detail)
        : info(detail);
  }
}
