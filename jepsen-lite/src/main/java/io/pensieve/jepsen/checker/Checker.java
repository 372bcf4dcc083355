package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The checkers run together on one history: what the runner calls once a run is over. */
public final class Checker {
  private Checker() {}

  /**
   * @param history the run's events, in order
   * @param finalValues each key's value read after the cluster healed (null: absent); keys
   *     missing are not checked for lost writes. May be null: nothing checked.
   * @param digests each node's final state; may be null or empty: nothing to compare
   * @param perKeyBudget how long the linearizability search may take per key
   * @throws MalformedHistoryException if the history breaks the event contract
   */
  public static CheckReport check(List<Event> history, Map<String, String> finalValues,
      Map<String, NodeDigest> digests, Duration perKeyBudget) {
    long begin = System.nanoTime();
    List<Operation> operations = HistoryFile.pair(history);
    List<KeyResult> keys = new LinearizabilityChecker(perKeyBudget).check(operations);
    LostWriteResult lost = LostWriteChecker.check(operations,
        finalValues == null ? Map.of() : finalValues);
    ConvergenceResult convergence = ConvergenceChecker.check(
        digests == null ? Map.of() : digests);
    return new CheckReport(operations.size(), keys, lost, convergence,
        (System.nanoTime() - begin) / 1_000_000);
  }

  /**
   * Checks a run of the bank workload.
   *
   * @param history the run's bank events, in order
   * @param digests each node's final state; may be null or empty: nothing to compare
   * @throws MalformedHistoryException if the history breaks the event contract
   */
  public static BankCheckReport checkBank(List<BankEvent> history,
      Map<String, NodeDigest> digests) {
    long begin = System.nanoTime();
    List<BankOperation> operations = BankHistory.pair(history);
    BankResult bank = BankChecker.check(operations);
    ConvergenceResult convergence = ConvergenceChecker.check(
        digests == null ? Map.of() : digests);
    return new BankCheckReport(operations.size(), bank, convergence,
        (System.nanoTime() - begin) / 1_000_000);
  }
}
