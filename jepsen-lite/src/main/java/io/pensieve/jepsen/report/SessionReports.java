package io.pensieve.jepsen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pensieve.jepsen.checker.SessionOperation;
import io.pensieve.jepsen.checker.SessionResult;
import io.pensieve.jepsen.checker.SessionResult.Rule;
import io.pensieve.jepsen.checker.SessionResult.SessionAnomaly;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.SessionOpKind;
import io.pensieve.jepsen.run.SessionRunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a sessions run's report: check.json (every verdict), summary.json and summary.txt
 * (operations by kind and outcome, sessions by ending, each rule's violations, the faults) and
 * timeline.html (a lane per process, each operation a bar coloured by its outcome, the faults
 * as bands, the operations of each anomaly outlined in red and listed above).
 */
public final class SessionReports {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final Map<Rule, String> RULES = Map.of(
      Rule.EARLY_EXPIRY, "1 no early expiry",
      Rule.PARTIAL_SESSION, "2 atomic revoke and delete-range",
      Rule.REMOVED_KEYS_SEEN, "3 acknowledged removal is durable",
      Rule.NOT_EXPIRED, "4 expiry happens");

  private SessionReports() {}

  public static void write(Path dir, List<SessionOperation> operations,
                           List<NemesisEvent> nemesis, SessionRunDirectory.Report report)
      throws IOException {
    Map<String, Object> summary = summary(operations, nemesis, report);
    JSON.writeValue(dir.resolve("check.json").toFile(), report);
    JSON.writeValue(dir.resolve("summary.json").toFile(), summary);
    Files.writeString(dir.resolve("summary.txt"), text(summary, report), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("timeline.html"), html(dir.getFileName().toString(),
        operations, nemesis, report.sessions()), StandardCharsets.UTF_8);
  }

  /** The verdict in one line, for a terminal. */
  public static String oneLine(SessionRunDirectory.Report report) {
    SessionResult result = report.sessions();
    return String.format(Locale.ROOT, "%s: %d operations, %d sessions %s; violations %s%s; "
            + "replicas %s; checked in %d ms",
        verdict(report),
        result.operations(), result.sessions(), result.endings(),
        result.violations().isEmpty() ? "none" : result.violations(),
        result.maxForwardSkewSeconds() > 0 ? "; rule 1 weakened by a forward clock skew of up "
            + "to " + result.maxForwardSkewSeconds() + " s" : "",
        report.convergence().converged() ? "converged" : "DIFFER", result.checkerMillis());
  }

  /** VALID, INVALID (a rule broken, or the replicas differ) or UNKNOWN (no final read). */
  private static String verdict(SessionRunDirectory.Report report) {
    if (report.valid()) {
      return "VALID";
    }
    return report.sessions().valid() ? "INVALID" : report.sessions().validity().name();
  }

  private static Map<String, Object> summary(List<SessionOperation> operations,
      List<NemesisEvent> nemesis, SessionRunDirectory.Report report) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (SessionOpKind kind : SessionOpKind.values()) {
      Map<String, Integer> byOutcome = new LinkedHashMap<>();
      for (EventType type : List.of(EventType.OK, EventType.FAIL, EventType.INFO)) {
        byOutcome.put(type.json(), 0);
      }
      counts.put(kind.json(), byOutcome);
    }
    for (SessionOperation op : operations) {
      counts.get(op.f().json()).merge(op.type().json(), 1, Integer::sum);
    }
    SessionResult result = report.sessions();
    Map<String, Integer> violations = new LinkedHashMap<>();
    for (Rule rule : Rule.values()) {
      violations.put(RULES.get(rule), result.violations().getOrDefault(rule, 0));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("workload", "sessions");
    summary.put("verdict", verdict(report));
    summary.put("operations", operations.size());
    summary.put("counts", counts);
    summary.put("sessions", result.sessions());
    summary.put("endings", new TreeMap<>(result.endings()));
    summary.put("reads", result.reads());
    summary.put("rule1_reads", result.earlyExpiryReads());
    summary.put("rule1_weakened_reads", result.weakenedReads());
    summary.put("max_forward_skew_seconds", result.maxForwardSkewSeconds());
    summary.put("final_reads", result.finalReads());
    summary.put("violations", violations);
    summary.put("anomalies", result.anomalies().stream().map(SessionAnomaly::explanation)
        .toList());
    summary.put("undecided", result.undecided());
    summary.put("converged", report.convergence().converged());
    summary.put("recovery_millis", report.recoveryMillis());
    summary.put("nemesis", nemesis);
    summary.put("checker_millis", result.checkerMillis());
    return summary;
  }

  private static String text(Map<String, Object> summary, SessionRunDirectory.Report report) {
    SessionResult result = report.sessions();
    StringBuilder out = new StringBuilder();
    out.append("Workload: sessions (leases with keys, renewed, then revoked, deleted or "
        + "abandoned)\n");
    out.append("Operations: ").append(summary.get("operations")).append('\n');
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Integer>> counts =
        (Map<String, Map<String, Integer>>) summary.get("counts");
    counts.forEach((kind, byOutcome) -> out.append(String.format(Locale.ROOT,
        "  %-13s ok %6d  fail %6d  info %6d%n", kind, byOutcome.get("ok"),
        byOutcome.get("fail"), byOutcome.get("info"))));
    out.append("Sessions: ").append(result.sessions()).append(" granted, ended ")
        .append(summary.get("endings")).append('\n');
    out.append(String.format(Locale.ROOT, "Reads: %d ok, %d within their lease's guaranteed "
        + "life (rule 1), %d final%n", result.reads(), result.earlyExpiryReads(),
        result.finalReads()));
    if (result.maxForwardSkewSeconds() > 0) {
      out.append(String.format(Locale.ROOT, "Rule 1 weakened: a node's clock ran up to %d s "
          + "ahead; %d reads checked with that wider tolerance%n",
          result.maxForwardSkewSeconds(), result.weakenedReads()));
    }
    out.append("Faults:\n");
    @SuppressWarnings("unchecked")
    List<NemesisEvent> nemesis = (List<NemesisEvent>) summary.get("nemesis");
    nemesis.forEach(event -> out.append(String.format(Locale.ROOT, "  %8.3f-%8.3f s %s: %s%n",
        event.startNanos() / 1e9, event.endNanos() / 1e9, event.name(), event.detail())));
    out.append("Rules:\n");
    @SuppressWarnings("unchecked")
    Map<String, Integer> violations = (Map<String, Integer>) summary.get("violations");
    violations.forEach((rule, count) -> out.append("  ").append(rule).append(": ")
        .append(count == 0 ? "kept" : count + " violations").append('\n'));
    result.anomalies().forEach(anomaly -> out.append("  ").append(anomaly.rule()).append(": ")
        .append(anomaly.explanation()).append('\n'));
    if (result.undecided() != null) {
      out.append("Undecided: ").append(result.undecided()).append('\n');
    }
    out.append("Replicas: ").append(report.convergence().converged() ? "converged" : "DIFFER")
        .append('\n');
    out.append(report.recoveryMillis() == null
        ? "Recovery: the cluster was NOT healthy after the faults healed\n"
        : "Recovery: healthy " + report.recoveryMillis() + " ms after the faults healed\n");
    out.append(oneLine(report)).append('\n');
    return out.toString();
  }

  /** One self-contained page: the anomalies, then an SVG lane per process. */
  private static String html(String title, List<SessionOperation> operations,
                             List<NemesisEvent> nemesis, SessionResult result) {
    long end = 1;
    Map<Integer, Integer> lanes = new TreeMap<>();
    for (SessionOperation op : operations) {
      end = Math.max(end, op.completion() == null ? op.invokeTime() : op.completeTime());
      lanes.putIfAbsent(op.invoke().process(), 0);
    }
    int lane = 0;
    for (Map.Entry<Integer, Integer> entry : lanes.entrySet()) {
      entry.setValue(lane++);
    }
    Set<Long> flagged = new HashSet<>();
    result.anomalies().forEach(a -> a.operations().forEach(op -> flagged.add(op.invoke().index())));
    double width = 1600;
    double scale = width / end;
    int rowHeight = 14;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg width='%.0f' height='%d'>", width + 80,
        lanes.size() * rowHeight + 20));
    for (NemesisEvent event : nemesis) {
      svg.append(String.format(Locale.ROOT, "<rect x='%.1f' y='0' width='%.1f' height='%d' "
              + "fill='#eee'><title>%s</title></rect>", 80 + event.startNanos() * scale,
          Math.max(1, (event.endNanos() - event.startNanos()) * scale),
          lanes.size() * rowHeight, escape(event.name() + ": " + event.detail())));
    }
    lanes.forEach((process, row) -> svg.append(String.format(Locale.ROOT,
        "<text x='0' y='%d' font-size='10'>p%d</text>", row * rowHeight + 10, process)));
    for (SessionOperation op : operations) {
      long stop = op.completion() == null ? end : op.completeTime();
      String color = switch (op.type()) {
        case OK -> "#6c6";
        case FAIL -> "#fc6";
        default -> "#c9f";
      };
      boolean bad = flagged.contains(op.invoke().index());
      svg.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='%d' "
              + "fill='%s'%s><title>%s</title></rect>", 80 + op.invokeTime() * scale,
          lanes.get(op.invoke().process()) * rowHeight + 2,
          Math.max(1.5, (stop - op.invokeTime()) * scale), rowHeight - 4, color,
          bad ? " stroke='red' stroke-width='2'" : "",
          escape(op.describe() + (op.keys().isEmpty() ? "" : " " + op.keys()))));
    }
    svg.append("</svg>");
    StringBuilder page = new StringBuilder();
    page.append("<!doctype html><html><head><meta charset='utf-8'><title>")
        .append(escape(title)).append("</title></head><body style='font-family:sans-serif'>")
        .append("<h1>Sessions ").append(escape(title)).append(": ")
        .append(result.validity()).append("</h1><p>Green ok, orange fail, violet info; grey "
            + "bands are faults; operations of an anomaly are outlined in red. Hover for "
            + "details.</p>");
    if (!result.anomalies().isEmpty()) {
      page.append("<ol>");
      result.anomalies().forEach(a -> page.append("<li><b>").append(RULES.get(a.rule()))
          .append("</b>: ").append(escape(a.explanation())).append("</li>"));
      page.append("</ol>");
    }
    page.append(svg).append("</body></html>\n");
    return page.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("'", "&#39;").replace("\"", "&quot;");
  }
}
