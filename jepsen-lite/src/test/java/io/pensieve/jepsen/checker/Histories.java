package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.OpKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes histories for tests as operations with their invoke and completion times; the events
 * come out in time order, a completion before an invoke at the same time.
 */
public final class Histories {
  private record Pending(long time, int order, Event event) {}

  private final List<Pending> pending = new ArrayList<>();

  public static Histories history() {
    return new Histories();
  }

  public Histories read(int process, String key, String value, long invoke, long complete) {
    return op(process, OpKind.READ, key, null, null, invoke, EventType.OK, value, null, complete);
  }

  public Histories write(int process, String key, String value, long invoke, long complete) {
    return write(process, key, value, invoke, complete, EventType.OK);
  }

  public Histories write(int process, String key, String value, long invoke, long complete,
      EventType outcome) {
    return op(process, OpKind.WRITE, key, value, null, invoke, outcome, value,
        outcome == EventType.FAIL ? "unavailable" : null, complete);
  }

  /** A write whose client never heard back. */
  public Histories writeNoReply(int process, String key, String value, long invoke) {
    return op(process, OpKind.WRITE, key, value, null, invoke, null, null, null, 0);
  }

  public Histories cas(int process, String key, String expected, String value, long invoke,
      long complete) {
    return cas(process, key, expected, value, invoke, complete, EventType.OK, null);
  }

  public Histories casCompareFailed(int process, String key, String expected, String value,
      long invoke, long complete) {
    return cas(process, key, expected, value, invoke, complete, EventType.FAIL,
        Event.COMPARE_FAILED);
  }

  public Histories cas(int process, String key, String expected, String value, long invoke,
      long complete, EventType outcome, String error) {
    pending.add(new Pending(invoke, 1, new Event(0, EventType.INVOKE, process, OpKind.CAS, key,
        value, expected, invoke, "n1", "rest", null)));
    pending.add(new Pending(complete, 0, new Event(0, outcome, process, OpKind.CAS, key, value,
        expected, complete, "n1", "rest", error)));
    return this;
  }

  private Histories op(int process, OpKind f, String key, String value, String expected,
      long invoke, EventType outcome, String returned, String error, long complete) {
    pending.add(new Pending(invoke, 1, new Event(0, EventType.INVOKE, process, f, key, value,
        expected, invoke, "n1", "grpc", null)));
    if (outcome != null) {
      pending.add(new Pending(complete, 0, new Event(0, outcome, process, f, key,
          outcome == EventType.OK ? returned : value, expected, complete, "n1", "grpc", error)));
    }
    return this;
  }

  public List<Event> events() {
    List<Pending> sorted = new ArrayList<>(pending);
    sorted.sort(Comparator.comparingLong(Pending::time).thenComparingInt(Pending::order));
    List<Event> events = new ArrayList<>(sorted.size());
    for (Pending p : sorted) {
      Event e = p.event();
      events.add(new Event(events.size(), e.type(), e.process(), e.f(), e.key(), e.value(),
          e.expected(), e.time(), e.node(), e.api(), e.error()));
    }
    return events;
  }

  public List<Operation> operations() {
    return HistoryFile.pair(events());
  }
}
