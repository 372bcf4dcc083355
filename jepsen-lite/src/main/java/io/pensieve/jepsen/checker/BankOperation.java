package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.BankOpKind;
import java.util.List;
import java.util.Map;

/**
 * One operation of a bank history: an invoke paired with its completion.
 *
 * @param id position of the invoke among the history's invokes
 * @param transfer for a transfer, its id (with {@code from}, {@code to}, {@code amount});
 *     otherwise null
 * @param balances for a setup, the initial balances; for an ok read or final, what it read;
 *     otherwise null
 * @param markers for an ok final, the ids of the transfers whose markers it found; otherwise
 *     null
 * @param appliedIndex for an ok read or final, the index of the state it read; otherwise -1
 * @param completeTime when it certainly ended: {@link Long#MAX_VALUE} for {@link Outcome#INFO}
 */
public record BankOperation(int id, int process, BankOpKind kind, String transfer, String from,
                            String to, long amount, Map<String, Long> balances,
                            List<String> markers, long appliedIndex, Outcome outcome,
                            long invokeTime, long completeTime, String node, String error,
                            long invokeIndex, long completeIndex) {

  /** Whether this is a read that returned balances. */
  public boolean observedBalances() {
    return outcome == Outcome.OK && (kind == BankOpKind.READ || kind == BankOpKind.FINAL);
  }

  /** A short human description, e.g. {@code p3 transfer t3-7 bank/1->bank/4 5 (ok)}. */
  public String describe() {
    String what = switch (kind) {
      case SETUP -> "setup " + balances;
      case TRANSFER -> "transfer " + transfer + " " + from + "->" + to + " " + amount;
      case READ -> observedBalances() ? "read " + balances + " at index " + appliedIndex
          : "read";
      case FINAL -> observedBalances() ? "final read " + balances + " with " + markers.size()
          + " markers at index " + appliedIndex : "final read";
    };
    return "p" + process + " " + what + " on " + node + " (" + outcome.json() + ")";
  }
}
