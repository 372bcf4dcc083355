package io.pensieve.jepsen.history;

import com.fasterxml.jackson.annotation.JsonValue;

/** The operations of the sessions workload (see {@link SessionEvent}). */
public enum SessionOpKind {
  GRANT, PUT, KEEP_ALIVE, READ, REVOKE, DELETE_RANGE, ABANDON, FINAL;

  @JsonValue
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
