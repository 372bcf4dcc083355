package io.pensieve.jepsen.checker;

/** A history that breaks the contract of {@link io.pensieve.jepsen.history.Event}. */
public final class MalformedHistoryException extends RuntimeException {
  public MalformedHistoryException(String message) {
    super(message);
  }

  public MalformedHistoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
