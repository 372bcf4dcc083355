package io.pensieve.jepsen.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pensieve.jepsen.checker.Anomaly;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.KeyResult;
import io.pensieve.jepsen.checker.LostWriteResult;
import io.pensieve.jepsen.checker.Operation;
import io.pensieve.jepsen.checker.Outcome;
import io.pensieve.jepsen.history.OpKind;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  public static Summary of(List<Operation> operations, List<NemesisEvent> nemesis,
      CheckReport report) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (OpKind kind : OpKind.values()) {
      Map<String, Integer> byOutcome = new LinkedHashMap<>();
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome.json(), 0);
      }
      counts.put(kind.json(), byOutcome);
    }
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Operation op : operations) {
      counts.get(op.kind().json()).merge(op.outcome().json(), 1, Integer::sum);
      start = Math.min(start, op.invokeTime());
      end = Math.max(end, op.reportedTime() == Long.MAX_VALUE ? op.invokeTime()
          : op.reportedTime());
    }
    if (operations.isEmpty()) {
      start = 0;
      end = 0;
    }
    List<long[]> faults = union(nemesis, start, end);
    long faultNanos = faults.stream().mapToLong(f -> f[1] - f[0]).sum();
    int okTotal = 0;
    int okDuring = 0;
    for (Operation op : operations) {
      if (op.outcome() == Outcome.OK) {
        okTotal++;
        if (inside(faults, op.completeTime())) {
          okDuring++;
        }
      }
    }
    long span = end - start;
    Throughput throughput = new Throughput(rate(okTotal, span), rate(okDuring, faultNanos),
        rate(okTotal - okDuring, span - faultNanos), faultNanos / 1e9);

    List<NemesisEvent> events = new ArrayList<>(nemesis);
    events.sort(Comparator.comparingLong(NemesisEvent::startNanos));
    return new Summary(operations.size(), counts, span / 1e9, throughput, events,
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

  /** The faults' time, merged where they overlap and clipped to the run. */
  static List<long[]> union(List<NemesisEvent> nemesis, long start, long end) {
    List<long[]> spans = new ArrayList<>();
    nemesis.stream()
        .map(e -> new long[] {Math.max(start, e.startNanos()), Math.min(end, e.endNanos())})
        .filter(s -> s[1] > s[0])
        .sorted(Comparator.comparingLong(s -> s[0]))
        .forEach(s -> {
          long[] last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
          if (last != null && s[0] <= last[1]) {
            last[1] = Math.max(last[1], s[1]);
          } else {
            spans.add(s);
          }
        });
    return spans;
  }

  static boolean inside(List<long[]> spans, long time) {
    for (long[] s : spans) {
      if (time >= s[0] && time < s[1]) {
        return true;
      }
    }
    return false;
  }

  static Double rate(int count, long nanos) {
    return nanos <= 0 ? null : count / (nanos / 1e9);
  }

  public String json() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String text() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Operations: %d in %.1f s%n", operations, seconds));
    s.append(String.format(Locale.ROOT, "  %-6s", ""));
    for (Outcome outcome : Outcome.values()) {
      s.append(String.format(Locale.ROOT, " %15s", outcome.json()));
    }
    s.append(System.lineSeparator());
    counts.forEach((kind, byOutcome) -> {
      s.append(String.format(Locale.ROOT, "  %-6s", kind));
      byOutcome.values().forEach(n -> s.append(String.format(Locale.ROOT, " %15d", n)));
      s.append(System.lineSeparator());
    });
    s.append(String.format(Locale.ROOT, "Throughput (ok ops/s): %s overall; %s during faults"
            + " (%.1f s), %s outside%n", rate(throughput.overall), rate(throughput.duringNemesis),
        throughput.nemesisSeconds, rate(throughput.outsideNemesis)));
    s.append("Nemesis: ").append(nemesis.isEmpty() ? "none" : nemesis.size() + " event(s)")
        .append(System.lineSeparator());
    for (NemesisEvent e : nemesis) {
      s.append(String.format(Locale.ROOT, "  %9.3f s .. %9.3f s  %s%s%n", e.startNanos() / 1e9,
          e.endNanos() / 1e9, e.name(), e.detail() == null ? "" : "  " + e.detail()));
    }
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

  static String rate(Double perSecond) {
    return perSecond == null ? "-" : String.format(Locale.ROOT, "%.1f", perSecond);
  }
}
