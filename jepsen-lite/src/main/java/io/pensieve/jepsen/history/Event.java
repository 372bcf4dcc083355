package io.pensieve.jepsen.history;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a history: a client invoking an operation on one key, or that operation's
 * completion. Every invoke is followed, later in the history, by at most one completion with
 * the same {@code process}; a process runs one operation at a time.
 *
 * <ul>
 *   <li>{@code read}: completes {@code ok} with {@code value} the value read, absent
 *       ({@code null}) when the key does not exist.
 *   <li>{@code write}: {@code value} is the value written (every written value is unique).
 *   <li>{@code cas}: sets {@code value} if the key holds {@code expected}. Completes {@code ok}
 *       when it did; {@code fail} with {@code error} {@value #COMPARE_FAILED} when the key held
 *       something else at some moment during the call.
 * </ul>
 *
 * <p>{@code fail} means the operation certainly did not take effect; {@code info} that its
 * outcome is unknown (it may take effect at any time after its invoke, or never). {@code time}
 * is nanoseconds since the run began, from one monotonic clock. {@code node} and {@code api}
 * say where the client sent it ({@code rest} or {@code grpc}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(long index, EventType type, int process, OpKind f, String key, String value,
                    String expected, long time, String node, String api, String error)
    implements PairedEvent {
  public static final String COMPARE_FAILED = "compare_failed";

  /** Whether this completion is a compare-and-set that found another value. */
  public boolean compareFailed() {
    return type == EventType.FAIL && f == OpKind.CAS && COMPARE_FAILED.equals(error);
  }
}
