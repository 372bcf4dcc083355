package io.pensieve.api;

import io.grpc.Status;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.ErrorRule;
import io.pensieve.proto.v1.ErrorsProto;
import io.pensieve.proto.v1.Outcome;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an error code means to a client: its row of the table in {@code errors.proto}, read once
 * from the {@code rule} option of each {@link ErrorCode} value. Every component that must decide
 * "was it applied, may I retry, which status do I answer" asks here, never a switch of its own.
 *
 * @param name the code as clients see it: {@code no_leader}
 */
public record ErrorContract(ErrorCode code, String name, Outcome outcome, boolean retryable,
    int httpStatus, Status.Code grpcCode, String respPrefix) {
  private static final String PREFIX = "ERROR_CODE_";
  private static final Map<ErrorCode, ErrorContract> BY_CODE = new EnumMap<>(ErrorCode.class);
  private static final Map<String, ErrorContract> BY_NAME = new HashMap<>();

  static {
    for (ErrorCode code : ErrorCode.values()) {
      if (code == ErrorCode.ERROR_CODE_UNSPECIFIED || code == ErrorCode.UNRECOGNIZED) {
        continue;
      }
      ErrorRule rule = code.getValueDescriptor().getOptions().getExtension(ErrorsProto.rule);
      ErrorContract contract = new ErrorContract(code,
          code.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT), rule.getOutcome(),
          rule.getRetryable(), rule.getHttpStatus(), Status.Code.valueOf(rule.getGrpcCode()),
          rule.getRespPrefix());
      BY_CODE.put(code, contract);
      BY_NAME.put(contract.name(), contract);
    }
  }

  public ErrorContract {
    if (outcome == Outcome.OUTCOME_UNSPECIFIED || outcome == Outcome.UNRECOGNIZED) {
      throw new IllegalStateException(code + " has no outcome in errors.proto");
    }
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalStateException(code + " has HTTP status " + httpStatus);
    }
    if (grpcCode == Status.Code.OK || respPrefix.isEmpty()) {
      throw new IllegalStateException(code + " has an incomplete rule in errors.proto");
    }
  }

  /** The row of {@code code}; every value but UNSPECIFIED has one. */
  public static ErrorContract of(ErrorCode code) {
    ErrorContract contract = BY_CODE.get(code);
    if (contract == null) {
      throw new IllegalArgumentException("no error rule for " + code);
    }
    return contract;
  }

  /** The row of a code as clients see it ({@code no_leader}); empty for an unknown name. */
  public static Optional<ErrorContract> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Certainly not applied, or not a write: nothing changed. */
  public boolean nothingApplied() {
    return outcome != Outcome.OUTCOME_UNKNOWN;
  }

  /**
   * Whether the same request may be sent again, to this node or to the next endpoint: a
   * transient failure, and for a write only one that certainly did not apply.
   */
  public boolean retrySafe(boolean write) {
    return retryable && (!write || nothingApplied());
  }
}
