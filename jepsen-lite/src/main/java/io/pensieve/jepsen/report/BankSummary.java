package io.pensieve.jepsen.report;

import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.BankOperation;
import io.pensieve.jepsen.checker.BankResult;
import io.pensieve.jepsen.checker.BankResult.Rule;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.report.Summary.Throughput;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bank run in brief, as {@link Summary} is a register run's: operations by kind and outcome,
 * throughput in and out of faults, the faults, then the bank's verdict: the initial total, each
 * rule with how often it was broken, the violations explained, and the replicas.
 *
 * @param counts operations by kind (setup, transfer, read, final), then by outcome
 * @param total what every read must sum to
 * @param reads reads that returned balances, the final ones included
 * @param rules every rule of {@link Rule}, with how many times it was broken
 * @param violations the explained violations (the first few of each rule)
 * @param undecided why a rule could not be checked, or null
 */
public record BankSummary(int operations, Map<String, Map<String, Integer>> counts,
                          double seconds, Throughput throughput, List<NemesisEvent> nemesis,
                          String verdict, long total, int transfers, int acknowledged,
                          int reads, int finalReads, Map<String, Integer> rules,
                          List<String> violations, String undecided, boolean converged,
                          List<String> differingNodes, long checkerMillis) {
  public static BankSummary of(List<BankOperation> operations, List<NemesisEvent> nemesis,
      BankCheckReport report) {
    Activity activity = Activity.of(
        Arrays.stream(BankOpKind.values()).map(BankOpKind::json).toList(),
        operations.stream().map(op -> new Activity.Timed(op.kind().json(), op.outcome(),
            op.invokeTime(), op.completeTime(), op.completeTime())).toList(), nemesis);
    BankResult bank = report.bank();
    Map<String, Integer> rules = new LinkedHashMap<>();
    for (Rule rule : Rule.values()) {
      rules.put(rule.name().toLowerCase(Locale.ROOT), bank.violations().getOrDefault(rule, 0));
    }
    return new BankSummary(activity.operations(), activity.counts(), activity.seconds(),
        activity.throughput(), activity.nemesis(),
        report.validity().name(), bank.total(), bank.transfers(), bank.acknowledged(),
        bank.reads(), bank.finalReads(), rules,
        bank.anomalies().stream().map(a -> a.rule() + ": " + a.explanation()).toList(),
        bank.undecided(), report.convergence().converged(), report.convergence().differing(),
        report.checkerMillis());
  }

  public String json() {
    return Activity.json(this);
  }

  public String text() {
    String nl = System.lineSeparator();
    StringBuilder s = new StringBuilder();
    new Activity(operations, counts, seconds, throughput, nemesis).appendText(s, 8);
    s.append("Verdict: ").append(verdict).append(nl);
    s.append(String.format(Locale.ROOT, "Bank: total %d; %d transfers, %d acknowledged; %d reads"
        + " of every account (%d final)%n", total, transfers, acknowledged, reads, finalReads));
    rules.forEach((rule, count) -> s.append(String.format(Locale.ROOT, "  %-30s %s%n", rule,
        count == 0 ? "kept" : "BROKEN " + count + " time(s)")));
    if (undecided != null) {
      s.append("Undecided: ").append(undecided).append(nl);
    }
    violations.forEach(v -> s.append("  ").append(v).append(nl));
    s.append("Convergence: ").append(converged ? "converged"
        : "differing nodes " + String.join(", ", differingNodes)).append(nl);
    s.append("Checker time: ").append(checkerMillis).append(" ms").append(nl);
    return s.toString();
  }
}
