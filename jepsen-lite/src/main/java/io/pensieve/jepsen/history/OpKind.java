package io.pensieve.jepsen.history;

import com.fasterxml.jackson.annotation.JsonValue;

/** The operations of the register workload. */
public enum OpKind {
  READ, WRITE, CAS;

  @JsonValue
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
