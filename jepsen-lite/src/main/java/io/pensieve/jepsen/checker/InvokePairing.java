package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.PairedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pairs each invoke of a history with its process's next completion, in history order, for
 * every kind of history (the register's {@link HistoryFile#pair}, the bank's
 * {@link BankHistory#pair}): a process runs one operation at a time, a completion needs an
 * invoke in flight, and an invoke that never completes is paired with nothing. Operation ids
 * are the invokes' order. What each kind of event must hold, and the operation built from a
 * pair, are the {@link Rules} of that kind.
 */
final class InvokePairing {
  private InvokePairing() {}

  /** What one kind of history asks of its events, and makes of each pair. */
  interface Rules<E extends PairedEvent, O> {
    /** Rejects an event that cannot be paired at all (no type, say): called first, on each. */
    void checkEvent(E event, int position);

    /** Rejects an invoke without the fields its operation needs. */
    void checkInvoke(E invoke, int position);

    /** Rejects a completion that does not match {@code invoke}, its process's invoke. */
    void checkCompletion(E completion, E invoke, int position);

    /** @param completion null when the invoke never completed */
    O operation(int id, E invoke, E completion);
  }

  /**
   * @throws MalformedHistoryException on a completion without an invoke, a second invoke while
   *     the process's first is in flight, or whatever {@code rules} reject
   */
  static <E extends PairedEvent, O> List<O> pair(List<E> history, Rules<E, O> rules) {
    List<O> operations = new ArrayList<>(history.size() / 2 + 1);
    // id of the operation in flight per process; the slot is replaced once it completes
    Map<Integer, Integer> inFlight = new HashMap<>();
    List<E> invokes = new ArrayList<>(history.size() / 2 + 1);
    for (int i = 0; i < history.size(); i++) {
      E event = Objects.requireNonNull(history.get(i), "event " + i);
      rules.checkEvent(event, i);
      if (event.type() == EventType.INVOKE) {
        Integer running = inFlight.get(event.process());
        if (running != null) {
          throw new MalformedHistoryException(where(i, event) + ": invoke while the process's"
              + " invoke at index " + invokes.get(running).index() + " is still in flight");
        }
        rules.checkInvoke(event, i);
        inFlight.put(event.process(), invokes.size());
        invokes.add(event);
        operations.add(null);
      } else {
        Integer id = inFlight.remove(event.process());
        if (id == null) {
          throw new MalformedHistoryException(
              where(i, event) + ": " + event.type().json() + " without an invoke in flight");
        }
        E invoke = invokes.get(id);
        rules.checkCompletion(event, invoke, i);
        operations.set(id, rules.operation(id, invoke, event));
      }
    }
    for (int id : inFlight.values()) {
      operations.set(id, rules.operation(id, invokes.get(id), null));
    }
    return operations;
  }

  /** E.g. {@code event 3 (index 7, process 2)}: where a malformed event is. */
  static String where(int position, PairedEvent event) {
    return "event " + position + " (index " + event.index() + ", process " + event.process()
        + ")";
  }
}
