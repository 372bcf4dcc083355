package io.pensieve.jepsen.history;

import com.fasterxml.jackson.annotation.JsonValue;

/** The operations of the bank workload (see {@link BankEvent}). */
public enum BankOpKind {
  SETUP, TRANSFER, READ, FINAL;

  @JsonValue
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
