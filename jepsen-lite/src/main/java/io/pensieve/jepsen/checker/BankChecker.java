package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.checker.BankResult.BankAnomaly;
import io.pensieve.jepsen.checker.BankResult.Rule;
import io.pensieve.jepsen.history.BankOpKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bank's rules, over a history of {@link BankOperation}s (see
 * {@code io.pensieve.jepsen.workload.BankWorkload} for how transfers and markers are made):
 *
 * <ul>
 *   <li>every read that returned balances sums to the total the setup created, sees exactly
 *       the accounts it created, and none below zero;
 *   <li>reads are linearizable as far as their applied index tells: a read that began after
 *       another completed reflects at least that one's index, and two reads of one index saw
 *       the same balances;
 *   <li>in every final read (balances and markers of one state): the marker of every
 *       acknowledged transfer, of no failed one, of no transfer that was never invoked; and the
 *       balances equal the initial ones plus the effects of exactly the transfers whose markers
 *       are there. A transfer of unknown outcome may or may not be there; either way its marker
 *       says which, and the balances must agree.
 * </ul>
 *
 * <p>The checker goes over the history once, plus one sort of the reads by time and one pass
 * over the transfers per final read (one per node): O(n log n). It keeps the first
 * {@link #EXAMPLES_PER_RULE} violations of each rule and counts the rest.
 */
public final class BankChecker {
  /** How many violations of one rule are explained in full. */
  static final int EXAMPLES_PER_RULE = 10;

  private final Map<Rule, Integer> violations = new EnumMap<>(Rule.class);
  private final List<BankAnomaly> anomalies = new ArrayList<>();

  private BankChecker() {}

  /**
   * @throws MalformedHistoryException if an operation other than the setup began before the
   *     setup completed ok
   */
  public static BankResult check(List<BankOperation> operations) {
    return new BankChecker().run(operations);
  }

  private BankResult run(List<BankOperation> operations) {
    BankOperation setup = operations.stream()
        .filter(op -> op.kind() == BankOpKind.SETUP && op.outcome() == Outcome.OK)
        .findFirst().orElse(null);
    int transfers = 0;
    int acknowledged = 0;
    Map<String, BankOperation> transfersById = new HashMap<>();
    List<BankOperation> reads = new ArrayList<>();
    List<BankOperation> finals = new ArrayList<>();
    for (BankOperation op : operations) {
      if (setup != null && op.kind() != BankOpKind.SETUP
          && op.invokeTime() < setup.completeTime()) {
        throw new MalformedHistoryException(op.describe() + " began before the setup "
            + setup.describe() + " completed");
      }
      if (op.kind() == BankOpKind.TRANSFER) {
        transfers++;
        acknowledged += op.outcome() == Outcome.OK ? 1 : 0;
        transfersById.put(op.transfer(), op);
      } else if (op.observedBalances()) {
        reads.add(op);
        if (op.kind() == BankOpKind.FINAL) {
          finals.add(op);
        }
      }
    }
    if (setup == null) {
      return result(Map.of(), 0, transfers, acknowledged, reads.size(), 0,
          "no setup completed ok: there is no initial total to check against");
    }
    Map<String, Long> initial = setup.balances();
    long total = initial.values().stream().mapToLong(Long::longValue).sum();
    for (BankOperation read : reads) {
      checkBalances(read, initial, total);
    }
    checkIndexes(reads);
    for (BankOperation read : finals) {
      checkMarkers(read, initial, transfersById.values(), transfersById);
    }
    return result(initial, total, transfers, acknowledged, reads.size(), finals.size(),
        finals.isEmpty() ? "no final read completed ok: acknowledged transfers not checked"
            : null);
  }

  private void checkBalances(BankOperation read, Map<String, Long> initial, long total) {
    Map<String, Long> balances = read.balances();
    if (!balances.keySet().equals(initial.keySet())) {
      Set<String> missing = new TreeSet<>(initial.keySet());
      missing.removeAll(balances.keySet());
      Set<String> extra = new TreeSet<>(balances.keySet());
      extra.removeAll(initial.keySet());
      violation(Rule.ACCOUNTS_CHANGED, what(read) + " saw accounts " + balances.keySet()
          + (missing.isEmpty() ? "" : ", missing " + missing)
          + (extra.isEmpty() ? "" : ", not set up " + extra), List.of(read));
    }
    long sum = 0;
    Map<String, Long> negative = new TreeMap<>();
    for (Map.Entry<String, Long> account : balances.entrySet()) {
      sum += account.getValue();
      if (account.getValue() < 0) {
        negative.put(account.getKey(), account.getValue());
      }
    }
    if (sum != total) {
      violation(Rule.TOTAL_CHANGED, what(read) + " saw a total of " + sum + ", not " + total
          + ": " + balances, List.of(read));
    }
    if (!negative.isEmpty()) {
      violation(Rule.NEGATIVE_BALANCE, what(read) + " saw "
          + (negative.size() == 1 ? "an account" : "accounts") + " below zero: " + negative,
          List.of(read));
    }
  }

  /** Sweeps the reads in invoke order against those completed before each began. */
  private void checkIndexes(List<BankOperation> reads) {
    Map<Long, BankOperation> firstAtIndex = new HashMap<>();
    for (BankOperation read : reads) {
      BankOperation first = firstAtIndex.putIfAbsent(read.appliedIndex(), read);
      if (first != null && !first.balances().equals(read.balances())) {
        violation(Rule.SAME_INDEX_DIFFERENT_BALANCES, what(first) + " and " + what(read)
            + " saw different balances: " + first.balances() + " and " + read.balances(),
            List.of(first, read));
      }
    }
    List<BankOperation> byInvoke = new ArrayList<>(reads);
    byInvoke.sort(Comparator.comparingLong(BankOperation::invokeTime));
    List<BankOperation> byCompletion = new ArrayList<>(reads);
    byCompletion.sort(Comparator.comparingLong(BankOperation::completeTime));
    BankOperation newest = null;
    int completed = 0;
    for (BankOperation read : byInvoke) {
      while (completed < byCompletion.size()
          && byCompletion.get(completed).completeTime() < read.invokeTime()) {
        BankOperation done = byCompletion.get(completed++);
        if (newest == null || done.appliedIndex() > newest.appliedIndex()) {
          newest = done;
        }
      }
      if (newest != null && read.appliedIndex() < newest.appliedIndex()) {
        violation(Rule.STALE_READ, what(read) + " reflects an older state than "
            + what(newest) + ", which completed before it began", List.of(newest, read));
      }
    }
  }

  private void checkMarkers(BankOperation read, Map<String, Long> initial,
      Iterable<BankOperation> transfers, Map<String, BankOperation> transfersById) {
    Set<String> markers = new HashSet<>(read.markers());
    for (BankOperation transfer : transfers) {
      boolean marked = markers.contains(transfer.transfer());
      if (transfer.outcome() == Outcome.OK && !marked) {
        violation(Rule.ACKNOWLEDGED_TRANSFER_MISSING, describe(transfer)
            + " was acknowledged, but " + what(read) + " has no marker of it",
            List.of(transfer, read));
      } else if ((transfer.outcome() == Outcome.FAIL
          || transfer.outcome() == Outcome.COMPARE_FAILED) && marked) {
        violation(Rule.FAILED_TRANSFER_APPLIED, describe(transfer) + " failed ("
            + transfer.error() + "), yet " + what(read) + " has its marker",
            List.of(transfer, read));
      }
    }
    Map<String, Long> expected = new TreeMap<>(initial);
    int applied = 0;
    for (String id : new TreeSet<>(markers)) {
      BankOperation transfer = transfersById.get(id);
      if (transfer == null) {
        violation(Rule.UNKNOWN_MARKER, what(read) + " has a marker of " + id
            + ", a transfer nobody invoked", List.of(read));
        continue;
      }
      applied++;
      expected.merge(transfer.from(), -transfer.amount(), Long::sum);
      expected.merge(transfer.to(), transfer.amount(), Long::sum);
    }
    Map<String, Long> found = new TreeMap<>();
    Map<String, Long> wanted = new TreeMap<>();
    Set<String> accounts = new TreeSet<>(expected.keySet());
    accounts.addAll(read.balances().keySet());
    for (String account : accounts) {
      Long actual = read.balances().get(account);
      Long should = expected.get(account);
      if (!Objects.equals(actual, should)) {
        found.put(account, actual);
        wanted.put(account, should);
      }
    }
    if (!found.isEmpty()) {
      violation(Rule.FINAL_BALANCES_INCONSISTENT, what(read) + " has " + found
          + ", but the initial balances plus the " + applied
          + " transfers whose markers it holds give " + wanted, List.of(read));
    }
  }

  private void violation(Rule rule, String explanation, List<BankOperation> operations) {
    int count = violations.merge(rule, 1, Integer::sum);
    if (count <= EXAMPLES_PER_RULE) {
      anomalies.add(new BankAnomaly(rule, explanation, operations));
    }
  }

  private BankResult result(Map<String, Long> initial, long total, int transfers,
      int acknowledged, int reads, int finals, String undecided) {
    return new BankResult(initial, total, transfers, acknowledged, reads, finals, violations,
        anomalies, undecided);
  }

  /** E.g. {@code the read by p3 on n1 at index 120 (operation 57)}. */
  private static String what(BankOperation read) {
    return "the " + (read.kind() == BankOpKind.FINAL ? "final read" : "read") + " by p"
        + read.process() + " on " + read.node() + " at index " + read.appliedIndex()
        + " (operation " + read.id() + ")";
  }

  /** E.g. {@code transfer t3-7 (5 from bank/1 to bank/4, p3 on n2)}. */
  private static String describe(BankOperation transfer) {
    return "transfer " + transfer.transfer() + " (" + transfer.amount() + " from "
        + transfer.from() + " to " + transfer.to() + ", p" + transfer.process() + " on "
        + transfer.node() + ")";
  }
}
