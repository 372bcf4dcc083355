package io.pensieve.jepsen.checker;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.pensieve.jepsen.history.OpKind;

/**
 * One operation of a history: an invoke paired with its completion.
 *
 * @param id position of the invoke among the history's invokes, unique within a history
 * @param value for a read the value it returned (null: absent, or unknown when the read did not
 *     complete ok); for a write or cas the value it writes
 * @param expected for a cas, the value it compares with; otherwise null
 * @param invokeTime when the operation was invoked (nanoseconds)
 * @param completeTime when it certainly ended: {@link Long#MAX_VALUE} for {@link Outcome#INFO},
 *     whose effect may come at any later time
 * @param reportedTime when the client reported the outcome: the completion's time, or
 *     {@link Long#MAX_VALUE} when there was none (what a timeline draws)
 * @param completeIndex the completion's {@code index}, or -1 when there was none
 */
public record Operation(int id, int process, OpKind kind, String key, String value,
                        String expected, Outcome outcome, long invokeTime, long completeTime,
                        long reportedTime, String node, String api, String error,
                        long invokeIndex, long completeIndex) {

  /** Whether this is a write or a cas: an operation that can change the key. */
  @JsonIgnore
  public boolean isWriter() {
    return kind == OpKind.WRITE || kind == OpKind.CAS;
  }

  /** Whether it wrote its value, or may have: a writer that completed ok or info. */
  public boolean mayHaveWritten() {
    return isWriter() && (outcome == Outcome.OK || outcome == Outcome.INFO);
  }

  /** A short human description, e.g. {@code p3 cas k1 a->b (compare_failed)}. */
  public String describe() {
    String what = switch (kind) {
      case READ -> outcome == Outcome.OK ? "read " + key + " = " + show(value) : "read " + key;
      case WRITE -> "write " + key + " " + show(value);
      case CAS -> "cas " + key + " " + show(expected) + "->" + show(value);
    };
    return "p" + process + " " + what + " (" + outcome.json() + ")";
  }

  /** How a value is shown to people: absent is {@code nil}. */
  public static String show(String value) {
    return value == null ? "nil" : value;
  }
}
