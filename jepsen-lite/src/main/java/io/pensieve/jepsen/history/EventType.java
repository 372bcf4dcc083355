package io.pensieve.jepsen.history;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether an event starts an operation or says how it ended. */
public enum EventType {
  INVOKE, OK, FAIL, INFO;

  @JsonValue
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
