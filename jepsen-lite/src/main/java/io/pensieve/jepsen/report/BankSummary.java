package io.pensieve.jepsen.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.BankOperation;
import io.pensieve.jepsen.checker.BankResult;
import io.pensieve.jepsen.checker.BankResult.Rule;
import io.pensieve.jepsen.checker.Outcome;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.report.Summary.Throughput;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
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
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  public static BankSummary of(List<BankOperation> operations, List<NemesisEvent> nemesis,
      BankCheckReport report) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (BankOpKind kind : BankOpKind.values()) {
      Map<String, Integer> byOutcome = new LinkedHashMap<>();
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome.json(), 0);
      }
      counts.put(kind.json(), byOutcome);
    }
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (BankOperation op : operations) {
      counts.get(op.kind().json()).merge(op.outcome().json(), 1, Integer::sum);
      start = Math.min(start, op.invokeTime());
      end = Math.max(end, op.completeTime() == Long.MAX_VALUE ? op.invokeTime()
          : op.completeTime());
    }
    if (operations.isEmpty()) {
      start = 0;
      end = 0;
    }
    List<long[]> faults = Summary.union(nemesis, start, end);
    long faultNanos = faults.stream().mapToLong(f -> f[1] - f[0]).sum();
    int okTotal = 0;
    int okDuring = 0;
    for (BankOperation op : operations) {
      if (op.outcome() == Outcome.OK) {
        okTotal++;
        okDuring += Summary.inside(faults, op.completeTime()) ? 1 : 0;
      }
    }
    long span = end - start;
    Throughput throughput = new Throughput(Summary.rate(okTotal, span),
        Summary.rate(okDuring, faultNanos), Summary.rate(okTotal - okDuring, span - faultNanos),
        faultNanos / 1e9);
    List<NemesisEvent> events = new ArrayList<>(nemesis);
    events.sort(Comparator.comparingLong(NemesisEvent::startNanos));
    BankResult bank = report.bank();
    Map<String, Integer> rules = new LinkedHashMap<>();
    for (Rule rule : Rule.values()) {
      rules.put(rule.name().toLowerCase(Locale.ROOT), bank.violations().getOrDefault(rule, 0));
    }
    return new BankSummary(operations.size(), counts, span / 1e9, throughput, events,
        report.validity().name(), bank.total(), bank.transfers(), bank.acknowledged(),
        bank.reads(), bank.finalReads(), rules,
        bank.anomalies().stream().map(a -> a.rule() + ": " + a.explanation()).toList(),
        bank.undecided(), report.convergence().converged(), report.convergence().differing(),
        report.checkerMillis());
  }

  public String json() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String text() {
    String nl = System.lineSeparator();
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Operations: %d in %.1f s%n", operations, seconds));
    s.append(String.format(Locale.ROOT, "  %-8s", ""));
    for (Outcome outcome : Outcome.values()) {
      s.append(String.format(Locale.ROOT, " %15s", outcome.json()));
    }
    s.append(nl);
    counts.forEach((kind, byOutcome) -> {
      s.append(String.format(Locale.ROOT, "  %-8s", kind));
      byOutcome.values().forEach(n -> s.append(String.format(Locale.ROOT, " %15d", n)));
      s.append(nl);
    });
    s.append(String.format(Locale.ROOT, "Throughput (ok ops/s): %s overall; %s during faults"
            + " (%.1f s), %s outside%n", Summary.rate(throughput.overall()),
        Summary.rate(throughput.duringNemesis()), throughput.nemesisSeconds(),
        Summary.rate(throughput.outsideNemesis())));
    s.append("Nemesis: ").append(nemesis.isEmpty() ? "none" : nemesis.size() + " event(s)")
        .append(nl);
    for (NemesisEvent e : nemesis) {
      s.append(String.format(Locale.ROOT, "  %9.3f s .. %9.3f s  %s%s%n", e.startNanos() / 1e9,
          e.endNanos() / 1e9, e.name(), e.detail() == null ? "" : "  " + e.detail()));
    }
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
