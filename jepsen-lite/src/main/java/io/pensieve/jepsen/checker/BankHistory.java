package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Bank histories on disk, one JSON {@link BankEvent} per line, and their pairing into
 * {@link BankOperation}s, with the rules of {@link HistoryFile} for processes and outcomes.
 */
public final class BankHistory {
  private BankHistory() {}

  public static List<BankEvent> read(Path path) throws IOException {
    return HistoryFile.read(path, BankEvent.class, "a bank event");
  }

  /**
   * Pairs each invoke with its process's next completion. An invoke that never completes counts
   * as {@link Outcome#INFO}.
   *
   * @throws MalformedHistoryException on a completion without an invoke, a second invoke while
   *     the process's first is in flight, a completion that does not match its invoke, a
   *     transfer without its fields or with an id used before
   */
  public static List<BankOperation> pair(List<BankEvent> history) {
    return InvokePairing.pair(history, new Rules());
  }

  /** The bank's rules for its events; one per history, since it remembers transfer ids. */
  private static final class Rules implements InvokePairing.Rules<BankEvent, BankOperation> {
    private final Set<String> transferIds = new HashSet<>();

    @Override
    public void checkEvent(BankEvent event, int position) {
      if (event.type() == null || event.f() == null) {
        throw new MalformedHistoryException(where(position, event) + ": needs a type and f");
      }
    }

    @Override
    public void checkInvoke(BankEvent invoke, int position) {
      BankHistory.checkInvoke(invoke, position, transferIds);
    }

    @Override
    public void checkCompletion(BankEvent event, BankEvent invoke, int position) {
      if (event.f() != invoke.f() || !Objects.equals(event.transfer(), invoke.transfer())) {
        throw new MalformedHistoryException(where(position, event) + ": completes "
            + event.f().json() + " but the invoke at index " + invoke.index() + " was "
            + invoke.f().json());
      }
      if (event.type() == EventType.OK && (invoke.f() == BankOpKind.READ
          || invoke.f() == BankOpKind.FINAL) && (event.balances() == null
          || event.appliedIndex() == null
          || (invoke.f() == BankOpKind.FINAL && event.markers() == null))) {
        throw new MalformedHistoryException(where(position, event)
            + ": an ok " + invoke.f().json() + " needs what it read");
      }
    }

    @Override
    public BankOperation operation(int id, BankEvent invoke, BankEvent completion) {
      return BankHistory.operation(id, invoke, completion);
    }
  }

  private static void checkInvoke(BankEvent invoke, int position, Set<String> transferIds) {
    switch (invoke.f()) {
      case SETUP -> {
        if (invoke.balances() == null || invoke.balances().isEmpty()) {
          throw new MalformedHistoryException(where(position, invoke) + ": a setup needs balances");
        }
      }
      case TRANSFER -> {
        if (invoke.transfer() == null || invoke.from() == null || invoke.to() == null
            || invoke.amount() == null || invoke.amount() <= 0
            || invoke.from().equals(invoke.to())) {
          throw new MalformedHistoryException(where(position, invoke)
              + ": a transfer needs an id, two accounts and a positive amount");
        }
        if (!transferIds.add(invoke.transfer())) {
          throw new MalformedHistoryException(where(position, invoke) + ": transfer id "
              + invoke.transfer() + " used twice; markers could not tell them apart");
        }
      }
      case READ, FINAL -> { }
    }
  }

  private static BankOperation operation(int id, BankEvent invoke, BankEvent completion) {
    Outcome outcome;
    if (completion == null || completion.type() == EventType.INFO) {
      outcome = Outcome.INFO;
    } else if (completion.type() == EventType.OK) {
      outcome = Outcome.OK;
    } else if (Event.COMPARE_FAILED.equals(completion.error())) {
      outcome = Outcome.COMPARE_FAILED;
    } else {
      outcome = Outcome.FAIL;
    }
    boolean observed = outcome == Outcome.OK
        && (invoke.f() == BankOpKind.READ || invoke.f() == BankOpKind.FINAL);
    return new BankOperation(id, invoke.process(), invoke.f(), invoke.transfer(), invoke.from(),
        invoke.to(), invoke.amount() == null ? 0 : invoke.amount(),
        observed ? completion.balances() : invoke.balances(),
        observed ? completion.markers() : null,
        observed ? completion.appliedIndex() : -1, outcome, invoke.time(),
        outcome == Outcome.INFO ? Long.MAX_VALUE : completion.time(), invoke.node(),
        completion == null ? null : completion.error(), invoke.index(),
        completion == null ? -1 : completion.index());
  }

  private static String where(int position, BankEvent event) {
    return InvokePairing.where(position, event);
  }
}
