package io.pensieve.jepsen.checker;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How an operation ended, as the checkers read it. {@link #COMPARE_FAILED} is split from
 * {@link #FAIL} because it is an observation (the key held another value) where a plain failure
 * carries none.
 */
public enum Outcome {
  OK, FAIL, INFO, COMPARE_FAILED;

  @JsonValue
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
