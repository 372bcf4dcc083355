package io.pensieve.jepsen.report;

import io.pensieve.jepsen.checker.Anomaly;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.KeyResult;
import io.pensieve.jepsen.checker.LostWriteResult;
import io.pensieve.jepsen.checker.Operation;
import io.pensieve.jepsen.history.OpKind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A run in brief, as text for a terminal and as JSON for tools: operations by kind and outcome,
 * throughput in and out of the nemesis's faults, the faults, the verdicts.
 *
 * @param counts operations by kind, then by outcome (every kind and outcome present, 0 or not)
 * @param seconds from the first invoke to the last completion
 * @param throughput ok operations per second
 * @param verdict VALID, INVALID or UNKNOWN
 * @param keys one line per key: its verdict, and the anomaly or why it is unknown
 */
public record Summary(int operations, Map<String, Map<String, Integer>> counts, double seconds,
                      Throughput throughput, List<NemesisEvent> nemesis, String verdict,
                      List<String> keys, List<String> lostWrites, List<String> unwrittenValues,
                      boolean converged, List<String> differingNodes, long checkerMillis) {

  /**
   * Ok operations per second, by completion time. A rate is null when its span is empty (no
   * fault, or faults all along).
   *
   * @param nemesisSeconds how long at least one fault was in force
   */
  public record Throughput(Double overall, Double duringNemesis, Double outsideNemesis,
                           double nemesisSeconds) {}

  public static Summary of(List<Operation> operations, List<NemesisEvent> nemesis,
      CheckReport report) {
    Activity activity = Activity.of(Arrays.stream(OpKind.values()).map(OpKind::json).toList(),
        operations.stream().map(op -> new Activity.Timed(op.kind().json(), op.outcome(),
            op.invokeTime(), op.reportedTime(), op.completeTime())).toList(), nemesis);
    return new Summary(activity.operations(), activity.counts(), activity.seconds(),
        activity.throughput(), activity.nemesis(),
        report.validity().name(), report.keys().stream().map(Summary::keyLine).toList(),
        report.lostWrites().lost().stream().map(LostWriteResult.LostWrite::explanation).toList(),
        report.lostWrites().unwritten().stream()
            .map(u -> u.key() + " ended as " + u.value() + ", which no ok or info operation"
                + " wrote").toList(),
        report.convergence().converged(), report.convergence().differing(),
        report.checkerMillis());
  }

  private static String keyLine(KeyResult key) {
    String line = key.key() + ": " + key.verdict() + " (" + key.operations() + " operations, "
        + key.elapsedMillis() + " ms)";
    Anomaly anomaly = key.anomaly();
    if (anomaly != null) {
      return line + ": " + anomaly.explanation();
    }
    return key.detail() == null ? line : line + ": " + key.detail();
  }

  public String json() {
    return Activity.json(this);
  }

  public String text() {
    StringBuilder s = new StringBuilder();
    new Activity(operations, counts, seconds, throughput, nemesis).appendText(s, 6);
    s.append("Verdict: ").append(verdict).append(System.lineSeparator());
    keys.forEach(k -> s.append("  ").append(k).append(System.lineSeparator()));
    s.append("Lost writes: ").append(lostWrites.size()).append(System.lineSeparator());
    lostWrites.forEach(l -> s.append("  ").append(l).append(System.lineSeparator()));
    s.append("Final values nobody wrote: ").append(unwrittenValues.size())
        .append(System.lineSeparator());
    unwrittenValues.forEach(u -> s.append("  ").append(u).append(System.lineSeparator()));
    s.append("Convergence: ").append(converged ? "converged"
        : "differing nodes " + String.join(", ", differingNodes)).append(System.lineSeparator());
    s.append("Checker time: ").append(checkerMillis).append(" ms").append(System.lineSeparator());
    return s.toString();
  }
}
