package io.pensieve.statemachine;

import java.io.IOException;

/** A log entry or query the state machine refused before doing anything with it. */
public final class InvalidCommandException extends IOException {
  public InvalidCommandException(String message) {
    super(message);
  }

  public InvalidCommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
