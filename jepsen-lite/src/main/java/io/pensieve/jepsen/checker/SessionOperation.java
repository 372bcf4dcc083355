package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.SessionEvent;
import io.pensieve.jepsen.history.SessionOpKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sessions operation: its invoke and how it ended. An operation the history never saw end
 * (the runner stopped first) is {@code info}, completing at the end of time.
 */
public record SessionOperation(SessionEvent invoke, SessionEvent completion) {
  public EventType type() {
    return completion == null ? EventType.INFO : completion.type();
  }

  public SessionOpKind f() {
    return invoke.f();
  }

  public String session() {
    return invoke.session();
  }

  public long invokeTime() {
    return invoke.time();
  }

  public long completeTime() {
    return completion == null ? Long.MAX_VALUE : completion.time();
  }

  public boolean ok() {
    return type() == EventType.OK;
  }

  /** What an ok read or final found; an ok grant's completion names the lease. */
  public List<String> keys() {
    return completion == null || completion.keys() == null ? List.of() : completion.keys();
  }

  /** One line naming the operation, its process, node and times (seconds into the run). */
  public String describe() {
    return String.format(Locale.ROOT, "%s%s (process %d on %s, %.3f-%s s, %s)",
        f().json(), session() == null ? "" : " of session " + session(), invoke.process(),
        invoke.node(), invokeTime() / 1e9,
        completion == null ? "never completed"
            : String.format(Locale.ROOT, "%.3f", completeTime() / 1e9),
        type().json());
  }

  /** Pairs each invoke with its process's next completion, in the order of the invokes. */
  public static List<SessionOperation> pair(List<SessionEvent> events) {
    Map<Integer, Integer> open = new HashMap<>();
    List<SessionOperation> operations = new ArrayList<>();
    for (SessionEvent event : events) {
      if (event.type() == EventType.INVOKE) {
        open.put(event.process(), operations.size());
        operations.add(new SessionOperation(event, null));
      } else {
        Integer at = open.remove(event.process());
        if (at == null) {
          throw new MalformedHistoryException("completion without an invoke: " + event);
        }
        operations.set(at, new SessionOperation(operations.get(at).invoke(), event));
      }
    }
    return operations;
  }
}
