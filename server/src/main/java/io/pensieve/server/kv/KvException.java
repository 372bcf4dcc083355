package io.pensieve.server.kv;

import io.pensieve.api.ErrorContract;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.Failures;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.statemachine.StateMachineHalt;

/**
 * A request that failed in one of the ways {@link ErrorCode} names; its {@link ErrorContract}
 * says what the protocols answer and whether anything was applied.
 */
public final class KvException extends RuntimeException {
  private final transient ErrorContract contract;

  public KvException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.contract = ErrorContract.of(code);
  }

  /** The answer of a node that is not a cluster member: it waits to be added, or was removed. */
  public static KvException notMember() {
    return new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
        "this node is not serving: it is joining its cluster or was removed from it");
  }

  /**
   * The answer of a node that does not serve: its state machine halted (naming the log index
   * and the reason), or it is not a member.
   */
  public static KvException notServing(RaftNode raft) {
    return raft.stateMachine().halt().map(KvException::halted).orElseGet(KvException::notMember);
  }

  /** The answer of a node whose state machine stopped at an entry it could not apply. */
  public static KvException halted(StateMachineHalt halt) {
    return new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
        "this node is not serving: " + halt.describe() + "; ask another member");
  }

  public ErrorCode code() {
    return contract.code();
  }

  public ErrorContract contract() {
    return contract;
  }

  /** The KvException behind an asynchronous failure, or an INTERNAL one wrapping it. */
  public static KvException from(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof KvException kv) {
      return kv;
    }
    return new KvException(ErrorCode.ERROR_CODE_INTERNAL, "internal error: " + cause);
  }
}
