package io.pensieve.server.kv;

import io.pensieve.server.Failures;

/** A request that failed in one of the ways {@link ErrorKind} names. */
public final class KvException extends RuntimeException {
  private final ErrorKind kind;

  public KvException(ErrorKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  /** The answer of a node that is not a cluster member: it waits to be added, or was removed. */
  public static KvException notMember() {
    return new KvException(ErrorKind.UNAVAILABLE,
        "this node is not serving: it is joining its cluster or was removed from it");
  }

  public ErrorKind kind() {
    return kind;
  }

  /** The KvException behind an asynchronous failure, or an INTERNAL one wrapping it. */
  public static KvException from(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof KvException kv) {
      return kv;
    }
    return new KvException(ErrorKind.INTERNAL, "internal error: " + cause);
  }
}
