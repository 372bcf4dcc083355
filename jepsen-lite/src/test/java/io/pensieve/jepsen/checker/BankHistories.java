package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes bank histories for tests as operations with their invoke and completion times; the
 * events come out in time order, a completion before an invoke at the same time. Accounts are
 * named {@code a}, {@code b}, ...; the setup completes at time 0.
 */
public final class BankHistories {
  private record Pending(long time, int order, BankEvent event) {}

  private final List<Pending> pending = new ArrayList<>();

  /** A history whose setup created these balances, in the order given ({@code a=..., b=...}). */
  public static BankHistories bank(long... balances) {
    BankHistories h = new BankHistories();
    Map<String, Long> initial = new TreeMap<>();
    for (int i = 0; i < balances.length; i++) {
      initial.put(String.valueOf((char) ('a' + i)), balances[i]);
    }
    h.add(-1, 0, 99, BankOpKind.SETUP, null, null, null, null, initial, EventType.OK, null, null,
        null, null);
    return h;
  }

  /** Balances by account from alternating names and amounts. */
  public static Map<String, Long> balances(Object... accountsAndBalances) {
    Map<String, Long> balances = new TreeMap<>();
    for (int i = 0; i < accountsAndBalances.length; i += 2) {
      balances.put((String) accountsAndBalances[i],
          ((Number) accountsAndBalances[i + 1]).longValue());
    }
    return balances;
  }

  public BankHistories transfer(int process, String id, String from, String to, long amount,
      long invoke, long complete, EventType outcome) {
    return add(invoke, complete, process, BankOpKind.TRANSFER, id, from, to, amount, null,
        outcome, null, null, null, outcome == EventType.FAIL ? "unavailable" : null);
  }

  public BankHistories transferCompareFailed(int process, String id, String from, String to,
      long amount, long invoke, long complete) {
    return add(invoke, complete, process, BankOpKind.TRANSFER, id, from, to, amount, null,
        EventType.FAIL, null, null, null, Event.COMPARE_FAILED);
  }

  /** A transfer whose client never heard back. */
  public BankHistories transferNoReply(int process, String id, String from, String to,
      long amount, long invoke) {
    return add(invoke, -1, process, BankOpKind.TRANSFER, id, from, to, amount, null, null, null,
        null, null, null);
  }

  public BankHistories read(int process, Map<String, Long> balances, long appliedIndex,
      long invoke, long complete) {
    return add(invoke, complete, process, BankOpKind.READ, null, null, null, null, null,
        EventType.OK, balances, null, appliedIndex, null);
  }

  public BankHistories finalRead(int process, Map<String, Long> balances, List<String> markers,
      long appliedIndex, long invoke, long complete) {
    return add(invoke, complete, process, BankOpKind.FINAL, null, null, null, null, null,
        EventType.OK, balances, markers, appliedIndex, null);
  }

  private BankHistories add(long invoke, long complete, int process, BankOpKind f, String id,
      String from, String to, Long amount, Map<String, Long> setup, EventType outcome,
      Map<String, Long> read, List<String> markers, Long appliedIndex, String error) {
    pending.add(new Pending(invoke, 1, new BankEvent(0, EventType.INVOKE, process, f, id, from,
        to, amount, setup, null, null, invoke, "n1", "grpc", null)));
    if (outcome != null) {
      pending.add(new Pending(complete, 0, new BankEvent(0, outcome, process, f, id, from, to,
          amount, read != null ? read : setup, markers, appliedIndex, complete, "n1", "grpc",
          error)));
    }
    return this;
  }

  public List<BankEvent> events() {
    List<Pending> sorted = new ArrayList<>(pending);
    sorted.sort(Comparator.comparingLong(Pending::time).thenComparingInt(Pending::order));
    List<BankEvent> events = new ArrayList<>(sorted.size());
    for (Pending p : sorted) {
      BankEvent e = p.event();
      events.add(new BankEvent(events.size(), e.type(), e.process(), e.f(), e.transfer(),
          e.from(), e.to(), e.amount(), e.balances(), e.markers(), e.appliedIndex(), e.time(),
          e.node(), e.api(), e.error()));
    }
    return events;
  }

  public BankResult check() {
    return BankChecker.check(BankHistory.pair(events()));
  }
}
