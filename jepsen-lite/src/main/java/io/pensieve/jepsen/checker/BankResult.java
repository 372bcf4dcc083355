package io.pensieve.jepsen.checker;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link BankChecker} found.
 *
 * @param initialBalances the accounts as the setup created them
 * @param total what every read must sum to
 * @param transfers transfers invoked
 * @param acknowledged transfers that completed ok
 * @param reads reads that returned balances, final reads included
 * @param finalReads final reads that returned the balances and markers of one state
 * @param violations how many times each rule was broken
 * @param anomalies the first few violations of each rule, explained
 * @param undecided why some rule could not be checked (no setup, no final read), or null
 */
public record BankResult(Map<String, Long> initialBalances, long total, int transfers,
                         int acknowledged, int reads, int finalReads,
                         Map<Rule, Integer> violations, List<BankAnomaly> anomalies,
                         String undecided) {
  /** The rules a bank history must keep. */
  public enum Rule {
    /** A read summed to another total than the initial one. */
    TOTAL_CHANGED,
    /** A read saw an account below zero. */
    NEGATIVE_BALANCE,
    /** A read saw accounts missing, or accounts the setup did not create. */
    ACCOUNTS_CHANGED,
    /** A read reflected an older applied index than a read that completed before it began. */
    STALE_READ,
    /** Two reads named the same applied index but saw different balances. */
    SAME_INDEX_DIFFERENT_BALANCES,
    /** An acknowledged transfer's marker is missing from a final read. */
    ACKNOWLEDGED_TRANSFER_MISSING,
    /** A transfer that failed (certainly not applied) has its marker in a final read. */
    FAILED_TRANSFER_APPLIED,
    /** A final read holds a marker of a transfer nobody invoked. */
    UNKNOWN_MARKER,
    /**
     * A final read's balances are not the initial ones plus the effects of the transfers whose
     * markers it holds.
     */
    FINAL_BALANCES_INCONSISTENT
  }

  /**
   * One violation.
   *
   * @param operations the operations it concerns: the read, or the transfer and the final read
   * @param explanation one line for people
   */
  public record BankAnomaly(Rule rule, String explanation, List<BankOperation> operations) {
    public BankAnomaly {
      operations = List.copyOf(operations);
    }
  }

  public BankResult {
    initialBalances = Collections.unmodifiableMap(new TreeMap<>(initialBalances));
    violations = Collections.unmodifiableMap(violations.isEmpty()
        ? new EnumMap<>(Rule.class) : new EnumMap<>(violations));
    anomalies = List.copyOf(anomalies);
  }

  /** No rule broken (which says nothing of the rules left undecided). */
  public boolean ok() {
    return violations.isEmpty();
  }
}
