package io.pensieve.jepsen.client;

import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;

/** How an operation ended: ok (with the value read), fail (certainly not applied) or info. */
public record Outcome(EventType type, String value, String error) {
  public static Outcome ok(String value) {
    return new Outcome(EventType.OK, value, null);
  }

  public static Outcome fail(String error) {
    return new Outcome(EventType.FAIL, null, error);
  }

  public static Outcome info(String error) {
    return new Outcome(EventType.INFO, null, error);
  }

  public static Outcome compareFailed() {
    return fail(Event.COMPARE_FAILED);
  }

  /**
   * A write's failure as the node reported it: only the codes that say nothing was applied are
   * failures; "unknown_outcome", "internal" and anything unrecognised may have been applied.
   */
  static Outcome writeRefused(String code, String detail) {
    return switch (code) {
      case "compare_failed" -> compareFailed();
      case "no_leader", "unavailable", "overloaded", "invalid_argument", "key_too_large",
          "value_too_large", "body_too_large", "no_space", "failed_precondition" ->
          fail(code + ": " + detail);
      default -> info(code + ": " + detail);
    };
  }
}
