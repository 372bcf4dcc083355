package io.pensieve.server.kv;

/** A request that failed in one of the ways {@link ErrorKind} names. */
public final class KvException extends RuntimeException {
  private final ErrorKind kind;

  public KvException(ErrorKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public ErrorKind kind() {
    return kind;
  }

  /** The KvException behind an asynchronous failure, or an INTERNAL one wrapping it. */
  public static KvException from(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
        || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof KvException kv) {
      return kv;
    }
    return new KvException(ErrorKind.INTERNAL, "internal error: " + cause);
  }
}
