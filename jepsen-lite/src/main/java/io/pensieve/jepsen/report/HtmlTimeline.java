package io.pensieve.jepsen.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pensieve.jepsen.checker.Anomaly;
import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.BankOperation;
import io.pensieve.jepsen.checker.BankResult;
import io.pensieve.jepsen.checker.BankResult.BankAnomaly;
import io.pensieve.jepsen.checker.BankResult.Rule;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.CheckReport.Validity;
import io.pensieve.jepsen.checker.ConvergenceResult;
import io.pensieve.jepsen.checker.KeyResult;
import io.pensieve.jepsen.checker.LostWriteResult;
import io.pensieve.jepsen.checker.NodeDigest;
import io.pensieve.jepsen.checker.Operation;
import io.pensieve.jepsen.checker.Outcome;
import io.pensieve.jepsen.history.BankOpKind;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A run as one self-contained HTML page: the verdicts and anomalies at the top (each with its
 * window as a table), then a timeline with a lane per process, each operation a bar from invoke
 * to completion coloured by outcome, and the nemesis's faults as shaded bands.
 *
 * <p>The timeline is drawn on a canvas by a small inline script from the operations embedded as
 * JSON, so a 100,000-operation run stays a few megabytes and scrolls smoothly: the wheel zooms,
 * a drag pans, the overview strip above shows where the view is. Nothing is loaded from
 * elsewhere. Every string from the history is escaped for where it lands: HTML text, or JSON
 * inside a script element (where {@code </script>} must not appear).
 */
public final class HtmlTimeline {
  private static final JsonFactory JSON = new JsonFactory();

  private HtmlTimeline() {}

  public static void write(Path file, String title, List<Operation> operations,
      List<NemesisEvent> nemesis, CheckReport report) throws IOException {
    Files.writeString(file, render(title, operations, nemesis, report), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("EnumOrdinal") // the page's KIND array follows OpKind's order
  public static String render(String title, List<Operation> operations,
      List<NemesisEvent> nemesis, CheckReport report) {
    List<Bar> bars = operations.stream().map(op -> new Bar(op.id(), op.process(),
        op.kind().ordinal(), op.key(), op.value(), op.expected(), op.outcome(),
        op.invokeTime(), op.reportedTime(), op.node())).toList();
    long t0 = start(bars, nemesis);
    StringBuilder html = head(title, report.validity(), operations.size() * 48 + 16_384);
    html.append("<p>").append(operations.size()).append(" operations, ")
        .append(report.keys().size()).append(" keys, checked in ")
        .append(report.checkerMillis()).append(" ms</p>\n");
    anomalies(html, report, t0);
    keys(html, report.keys());
    nemesisTable(html, nemesis, t0);
    Set<Integer> highlight = new LinkedHashSet<>();
    report.anomalies().forEach(a -> a.window().forEach(op -> highlight.add(op.id())));
    report.lostWrites().lost().forEach(l -> highlight.add(l.write().id()));
    html.append(TIMELINE_HTML);
    return timeline(html, data(bars, List.of(), highlight, nemesis, t0));
  }

  /**
   * One bar of the timeline, whatever the workload.
   *
   * @param kind the index of the operation's kind in the page's KIND array
   * @param key what the filter picks the bar by
   * @param value what the bar says, or null
   * @param expected a compare-and-set's expected value, or null
   * @param end when the bar ends, {@link Long#MAX_VALUE} if it never did
   */
  private record Bar(int id, int process, int kind, String key, String value, String expected,
                     Outcome outcome, long invoke, long end, String node) {}

  /** The time the page counts from: the first invoke or fault. */
  private static long start(List<Bar> bars, List<NemesisEvent> nemesis) {
    long t0 = Long.MAX_VALUE;
    for (Bar bar : bars) {
      t0 = Math.min(t0, bar.invoke());
    }
    for (NemesisEvent e : nemesis) {
      t0 = Math.min(t0, e.startNanos());
    }
    return t0 == Long.MAX_VALUE ? 0 : t0;
  }

  /** The page up to the verdict. */
  private static StringBuilder head(String title, Validity validity, int capacity) {
    StringBuilder html = new StringBuilder(capacity);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>").append(escape(title)).append("</title>\n<style>")
        .append(CSS).append("</style>\n</head>\n<body>\n");
    html.append("<h1>").append(escape(title)).append("</h1>\n");
    html.append("<p class=\"verdict ").append(validity.name().toLowerCase(Locale.ROOT))
        .append("\">").append(validity.name()).append("</p>\n");
    return html;
  }

  /** The page's end: the timeline's data and its script. */
  private static String timeline(StringBuilder html, String data) {
    html.append("<script type=\"application/json\" id=\"tl-data\">")
        .append(scriptSafe(data))
        .append("</script>\n<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    return html.toString();
  }

  // ---- the sections above the timeline

  private static void anomalies(StringBuilder html, CheckReport report, long t0) {
    List<Anomaly> anomalies = report.anomalies();
    LostWriteResult lost = report.lostWrites();
    ConvergenceResult convergence = report.convergence();
    int count = anomalies.size() + lost.lost().size() + lost.unwritten().size()
        + (convergence.converged() ? 0 : 1);
    html.append("<section id=\"anomalies\">\n<h2>Anomalies (").append(count).append(")</h2>\n");
    if (count == 0) {
      html.append("<p>None found.</p>\n");
    }
    for (Anomaly a : anomalies) {
      html.append("<div class=\"anomaly\">\n<h3>").append(escape(a.key()))
          .append(": not linearizable</h3>\n<p class=\"explanation\">")
          .append(escape(a.explanation())).append("</p>\n<p class=\"note\">")
          .append(a.window().size()).append(" operation(s) that are not linearizable by"
              + " themselves, ")
          .append(a.fromStart() ? "from the start of the history (the key absent)"
              : "whatever the key held before them")
          .append(a.relaxed().isEmpty() ? "" : "; those marked * are cut by the window and"
              + " may or may not have taken effect")
          .append(".</p>\n");
      operationTable(html, a.window(), Set.copyOf(a.relaxed()), a.stuck(), t0);
      showButton(html, a.window(), t0);
      html.append("</div>\n");
    }
    for (LostWriteResult.LostWrite l : lost.lost()) {
      html.append("<div class=\"anomaly\">\n<h3>").append(escape(l.key()))
          .append(": lost write</h3>\n<p class=\"explanation\">").append(escape(l.explanation()))
          .append("</p>\n");
      operationTable(html, List.of(l.write()), Set.of(), null, t0);
      showButton(html, List.of(l.write()), t0);
      html.append("</div>\n");
    }
    for (LostWriteResult.UnwrittenValue u : lost.unwritten()) {
      html.append("<div class=\"anomaly\">\n<h3>").append(escape(u.key()))
          .append(": final value nobody wrote</h3>\n<p class=\"explanation\">")
          .append(escape(u.key() + " ended as " + u.value()
              + ", which no ok or info operation wrote")).append("</p>\n");
      if (!u.failedWriters().isEmpty()) {
        operationTable(html, u.failedWriters(), Set.of(), null, t0);
      }
      html.append("</div>\n");
    }
    diverged(html, convergence);
    html.append("</section>\n");
  }

  /** The nodes' digests when they differ, the differing ones marked; nothing when they agree. */
  private static void diverged(StringBuilder html, ConvergenceResult convergence) {
    if (convergence.converged()) {
      return;
    }
    html.append("<div class=\"anomaly\">\n<h3>nodes diverged</h3>\n<p class=\"explanation\">")
        .append(escape(convergence.explanation())).append("</p>\n<table>\n<tr><th>node</th>"
            + "<th>digest</th><th>applied index</th></tr>\n");
    for (Map.Entry<String, NodeDigest> node : convergence.nodes().entrySet()) {
      boolean differs = convergence.differing().contains(node.getKey());
      html.append(differs ? "<tr class=\"focus\">" : "<tr>").append("<td>")
          .append(escape(node.getKey())).append("</td><td>")
          .append(escape(node.getValue().digest())).append("</td><td>")
          .append(node.getValue().appliedIndex()).append("</td></tr>\n");
    }
    html.append("</table>\n</div>\n");
  }

  private static void operationTable(StringBuilder html, List<Operation> ops, Set<Integer> relaxed,
      Operation stuck, long t0) {
    html.append("<table>\n<tr><th>process</th><th>operation</th><th>key</th><th>value</th>"
        + "<th>outcome</th><th>invoked (ms)</th><th>completed (ms)</th><th>node</th></tr>\n");
    for (Operation op : ops) {
      html.append(op.equals(stuck) ? "<tr class=\"focus\">" : "<tr>")
          .append("<td>p").append(op.process()).append("</td><td>").append(op.kind().json())
          .append(relaxed.contains(op.id()) ? " *" : "").append("</td><td>")
          .append(escape(op.key())).append("</td><td>").append(escape(shownValue(op)))
          .append("</td><td class=\"").append(op.outcome().json()).append("\">")
          .append(op.outcome().json()).append("</td><td>").append(millis(op.invokeTime(), t0))
          .append("</td><td>").append(op.reportedTime() == Long.MAX_VALUE ? "-"
              : millis(op.reportedTime(), t0))
          .append("</td><td>").append(escape(op.node() == null ? "" : op.node()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static String shownValue(Operation op) {
    return switch (op.kind()) {
      case READ -> op.outcome() == Outcome.OK ? Operation.show(op.value()) : "";
      case WRITE -> op.value();
      case CAS -> Operation.show(op.expected()) + " -> " + op.value();
    };
  }

  private static void showButton(StringBuilder html, List<Operation> ops, long t0) {
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    StringBuilder ids = new StringBuilder();
    for (Operation op : ops) {
      from = Math.min(from, op.invokeTime() - t0);
      long end = op.reportedTime() == Long.MAX_VALUE ? op.invokeTime() : op.reportedTime();
      to = Math.max(to, end - t0);
      ids.append(ids.length() == 0 ? "" : " ").append(op.id());
    }
    html.append("<button class=\"show\" data-from=\"").append(from).append("\" data-to=\"")
        .append(to).append("\" data-ops=\"").append(ids).append("\">show in the timeline"
            + "</button>\n");
  }

  private static void keys(StringBuilder html, List<KeyResult> keys) {
    html.append("<section id=\"keys\">\n<h2>Keys</h2>\n<table>\n<tr><th>key</th><th>verdict</th>"
        + "<th>operations</th><th>checked in (ms)</th><th></th></tr>\n");
    for (KeyResult k : keys) {
      String note = k.anomaly() != null ? k.anomaly().explanation()
          : k.detail() != null ? k.detail() : "";
      html.append("<tr><td>").append(escape(k.key())).append("</td><td class=\"")
          .append(k.verdict().name().toLowerCase(Locale.ROOT)).append("\">")
          .append(k.verdict()).append("</td><td>").append(k.operations()).append("</td><td>")
          .append(k.elapsedMillis()).append("</td><td>").append(escape(note))
          .append("</td></tr>\n");
    }
    html.append("</table>\n</section>\n");
  }

  private static void nemesisTable(StringBuilder html, List<NemesisEvent> nemesis, long t0) {
    html.append("<section id=\"nemesis\">\n<h2>Nemesis</h2>\n");
    if (nemesis.isEmpty()) {
      html.append("<p>No faults.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<tr><th>from (ms)</th><th>to (ms)</th><th>fault</th><th>detail</th>"
        + "</tr>\n");
    List<NemesisEvent> sorted = new ArrayList<>(nemesis);
    sorted.sort(Comparator.comparingLong(NemesisEvent::startNanos));
    for (NemesisEvent e : sorted) {
      html.append("<tr><td>").append(millis(e.startNanos(), t0)).append("</td><td>")
          .append(millis(e.endNanos(), t0)).append("</td><td>").append(escape(e.name()))
          .append("</td><td>").append(escape(e.detail() == null ? "" : e.detail()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n</section>\n");
  }

  // ---- the timeline's data

  /**
   * The operations for the script, strings interned in one table: {@code ops} rows are
   * [id, lane, kind, key, value, expected, outcome, invoke, end, node], times in nanoseconds
   * from the start, string indexes -1 for none, end -1 for an operation that never completed.
   *
   * @param kinds the kinds' names when the page shows values as they are; none for the register
   */
  @SuppressWarnings("EnumOrdinal") // the page's OUT array follows the enum's order
  private static String data(List<Bar> bars, List<String> kinds, Set<Integer> highlight,
      List<NemesisEvent> nemesis, long t0) {
    Map<String, Integer> strings = new HashMap<>();
    List<String> table = new ArrayList<>();
    TreeSet<Integer> processes = new TreeSet<>();
    long end = 0;
    for (Bar bar : bars) {
      processes.add(bar.process());
      end = Math.max(end, (bar.end() == Long.MAX_VALUE ? bar.invoke() : bar.end()) - t0);
    }
    for (NemesisEvent e : nemesis) {
      end = Math.max(end, e.endNanos() - t0);
    }
    Map<Integer, Integer> lane = new HashMap<>();
    for (int p : processes) {
      lane.put(p, lane.size());
    }
    Set<String> keys = new TreeSet<>();
    bars.forEach(bar -> keys.add(bar.key()));

    StringWriter out = new StringWriter(bars.size() * 40 + 1024);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("end", Math.max(1, end));
      if (!kinds.isEmpty()) {
        json.writeArrayFieldStart("kinds");
        for (String kind : kinds) {
          json.writeString(kind);
        }
        json.writeEndArray();
      }
      json.writeArrayFieldStart("lanes");
      for (int p : processes) {
        json.writeNumber(p);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("keys");
      for (String key : keys) {
        json.writeNumber(intern(key, strings, table));
      }
      json.writeEndArray();
      json.writeArrayFieldStart("ops");
      for (Bar bar : bars) {
        json.writeStartArray();
        json.writeNumber(bar.id());
        json.writeNumber(lane.get(bar.process()));
        json.writeNumber(bar.kind());
        json.writeNumber(intern(bar.key(), strings, table));
        json.writeNumber(intern(bar.value(), strings, table));
        json.writeNumber(intern(bar.expected(), strings, table));
        json.writeNumber(bar.outcome().ordinal());
        json.writeNumber(bar.invoke() - t0);
        json.writeNumber(bar.end() == Long.MAX_VALUE ? -1 : bar.end() - t0);
        json.writeNumber(intern(bar.node(), strings, table));
        json.writeEndArray();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("nemesis");
      for (NemesisEvent e : nemesis) {
        json.writeStartArray();
        json.writeNumber(e.startNanos() - t0);
        json.writeNumber(e.endNanos() - t0);
        json.writeString(e.name());
        json.writeString(e.detail() == null ? "" : e.detail());
        json.writeEndArray();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("highlight");
      for (int id : highlight) {
        json.writeNumber(id);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("strings");
      for (String s : table) {
        json.writeString(s);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static int intern(String s, Map<String, Integer> strings, List<String> table) {
    if (s == null) {
      return -1;
    }
    return strings.computeIfAbsent(s, k -> {
      table.add(k);
      return table.size() - 1;
    });
  }

  // ---- the bank workload's page: the same layout, its own verdict and anomalies

  public static void writeBank(Path file, String title, List<BankOperation> operations,
      List<NemesisEvent> nemesis, BankCheckReport report) throws IOException {
    Files.writeString(file, renderBank(title, operations, nemesis, report),
        StandardCharsets.UTF_8);
  }

  /**
   * A bank run's page: the verdict, the bank's rules and how often each was broken, each
   * violation with its operations, the faults, and the timeline, where the filter picks a kind
   * of operation (transfer, read...) rather than a key.
   */
  @SuppressWarnings("EnumOrdinal") // the page's KIND array follows BankOpKind's order
  public static String renderBank(String title, List<BankOperation> operations,
      List<NemesisEvent> nemesis, BankCheckReport report) {
    // the register's row shape, with the kind's name as the key and a label as the value
    List<Bar> bars = operations.stream().map(op -> new Bar(op.id(), op.process(),
        op.kind().ordinal(), op.kind().json(), bankLabel(op), null, op.outcome(),
        op.invokeTime(), op.completeTime(), op.node())).toList();
    long t0 = start(bars, nemesis);
    BankResult bank = report.bank();
    StringBuilder html = head(title, report.validity(), operations.size() * 64 + 16_384);
    html.append("<p>Bank: ").append(operations.size()).append(" operations; ")
        .append(bank.transfers()).append(" transfers, ").append(bank.acknowledged())
        .append(" acknowledged; ").append(bank.reads()).append(" reads of every account (")
        .append(bank.finalReads()).append(" final); every read must sum to ")
        .append(bank.total()).append("; checked in ").append(report.checkerMillis())
        .append(" ms</p>\n");
    if (bank.undecided() != null) {
      html.append("<p class=\"note\">Undecided: ").append(escape(bank.undecided()))
          .append("</p>\n");
    }
    bankAnomalies(html, report, t0);
    html.append("<section id=\"rules\">\n<h2>Rules</h2>\n<table>\n<tr><th>rule</th>"
        + "<th>broken</th></tr>\n");
    for (Rule rule : Rule.values()) {
      int count = bank.violations().getOrDefault(rule, 0);
      html.append("<tr><td>").append(rule.name().toLowerCase(Locale.ROOT))
          .append("</td><td class=\"").append(count == 0 ? "ok\">kept" : "fail\">" + count)
          .append("</td></tr>\n");
    }
    html.append("</table>\n</section>\n");
    nemesisTable(html, nemesis, t0);
    Set<Integer> highlight = new LinkedHashSet<>();
    bank.anomalies().forEach(a -> a.operations().forEach(op -> highlight.add(op.id())));
    html.append(TIMELINE_HTML.replace("<label>key <select", "<label>operation <select"));
    // the kinds named tell the script to show labels as they are
    return timeline(html, data(bars,
        Arrays.stream(BankOpKind.values()).map(BankOpKind::json).toList(), highlight, nemesis,
        t0));
  }

  private static void bankAnomalies(StringBuilder html, BankCheckReport report, long t0) {
    List<BankAnomaly> anomalies = report.bank().anomalies();
    ConvergenceResult convergence = report.convergence();
    int count = report.bank().violations().values().stream().mapToInt(Integer::intValue).sum()
        + (convergence.converged() ? 0 : 1);
    html.append("<section id=\"anomalies\">\n<h2>Anomalies (").append(count).append(")</h2>\n");
    if (count == 0) {
      html.append("<p>None found.</p>\n");
    } else if (anomalies.size() < count - (convergence.converged() ? 0 : 1)) {
      html.append("<p class=\"note\">The first ").append(anomalies.size())
          .append(" of each rule are shown.</p>\n");
    }
    for (BankAnomaly a : anomalies) {
      html.append("<div class=\"anomaly\">\n<h3>").append(a.rule().name()
              .toLowerCase(Locale.ROOT)).append("</h3>\n<p class=\"explanation\">")
          .append(escape(a.explanation())).append("</p>\n<table>\n<tr><th>operation</th>"
              + "<th>outcome</th><th>invoked (ms)</th><th>completed (ms)</th><th>node</th>"
              + "</tr>\n");
      long from = Long.MAX_VALUE;
      long to = Long.MIN_VALUE;
      StringBuilder ids = new StringBuilder();
      for (BankOperation op : a.operations()) {
        html.append("<tr><td>").append(escape(op.describe())).append("</td><td class=\"")
            .append(op.outcome().json()).append("\">").append(op.outcome().json())
            .append("</td><td>").append(millis(op.invokeTime(), t0)).append("</td><td>")
            .append(op.completeTime() == Long.MAX_VALUE ? "-" : millis(op.completeTime(), t0))
            .append("</td><td>").append(escape(op.node() == null ? "" : op.node()))
            .append("</td></tr>\n");
        from = Math.min(from, op.invokeTime() - t0);
        to = Math.max(to, (op.completeTime() == Long.MAX_VALUE ? op.invokeTime()
            : op.completeTime()) - t0);
        ids.append(ids.length() == 0 ? "" : " ").append(op.id());
      }
      html.append("</table>\n<button class=\"show\" data-from=\"").append(from)
          .append("\" data-to=\"").append(to).append("\" data-ops=\"").append(ids)
          .append("\">show in the timeline</button>\n</div>\n");
    }
    diverged(html, convergence);
    html.append("</section>\n");
  }

  /** What a bar says: the transfer, or what a read saw, or why it failed. */
  private static String bankLabel(BankOperation op) {
    return switch (op.kind()) {
      case SETUP -> String.valueOf(op.balances());
      case TRANSFER -> op.transfer() + " " + op.amount() + " " + op.from() + "->" + op.to();
      case READ -> op.observedBalances() ? op.balances().values() + " @" + op.appliedIndex()
          : String.valueOf(op.error());
      case FINAL -> op.observedBalances() ? op.balances().values() + " " + op.markers().size()
          + " markers @" + op.appliedIndex() : String.valueOf(op.error());
    };
  }

  // ---- escaping

  /** Text or an attribute value in HTML. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder s = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> s.append("&amp;");
        case '<' -> s.append("&lt;");
        case '>' -> s.append("&gt;");
        case '"' -> s.append("&quot;");
        case '\'' -> s.append("&#39;");
        default -> s.append(c);
      }
    }
    return s.toString();
  }

  /**
   * JSON that can sit inside a script element: no {@code <} (so no {@code </script>} or
   * {@code <!--}), and none of the line separators old script parsers choke on. Outside strings
   * JSON has none of these characters, so the escapes only ever land inside strings.
   */
  static String scriptSafe(String json) {
    StringBuilder s = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> s.append("\\u003c");
        case '>' -> s.append("\\u003e");
        case '&' -> s.append("\\u0026");
        case '\u2028' -> s.append("\\u2028");
        case '\u2029' -> s.append("\\u2029");
        default -> s.append(c);
      }
    }
    return s.toString();
  }

  private static String millis(long nanos, long t0) {
    return String.format(Locale.ROOT, "%.3f", (nanos - t0) / 1e6);
  }

  // ---- the page's fixed parts

  private static final String CSS = """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:16px 24px;\
      color:#222}
      h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:20px 0 8px}\
      h3{font-size:15px;margin:0 0 4px}
      table{border-collapse:collapse;margin:4px 0 8px;font-size:13px}
      th,td{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
      th{background:#f3f3f3}
      tr.focus td{background:#fde2e2;font-weight:600}
      .verdict{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:700;margin:0}
      .verdict.valid{background:#d9f2d9}.verdict.invalid{background:#f8d0d0}\
      .verdict.unknown{background:#fbecc4}
      td.linearizable,td.ok{color:#2a7a2a}td.not_linearizable,td.fail{color:#b22}\
      td.unknown,td.info{color:#a66a00}td.compare_failed{color:#a0457a}
      .anomaly{border-left:4px solid #c33;padding:6px 12px;margin:10px 0;background:#fff8f8}
      .explanation{font-weight:600}.note{color:#555;font-size:13px}
      #tl-controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin:6px 0}
      #tl-controls input{width:110px}
      .legend span{display:inline-block;width:12px;height:10px;margin:0 3px 0 8px;\
      vertical-align:middle}
      #tl-overview{width:100%;height:40px;display:block;border:1px solid #ccc;cursor:pointer}
      #tl-wrap{position:relative;width:100%;border:1px solid #ccc;border-top:none;\
      max-height:75vh;overflow-y:auto}
      #tl-main{display:block;width:100%;cursor:grab}
      #tl-tip{position:fixed;pointer-events:none;background:#222;color:#fff;padding:4px 8px;\
      border-radius:4px;font-size:12px;white-space:pre;display:none;z-index:10}
      """;

  private static final String TIMELINE_HTML = """
      <section id="timeline">
      <h2>Timeline</h2>
      <div id="tl-controls">
      <label>from <input id="tl-from" type="number" step="any"> ms</label>
      <label>to <input id="tl-to" type="number" step="any"> ms</label>
      <button id="tl-apply">zoom</button><button id="tl-reset">whole run</button>
      <label>key <select id="tl-key"><option value="-1">all</option></select></label>
      <span class="legend"><span style="background:#5cb85c"></span>ok\
      <span style="background:#e06666"></span>fail\
      <span style="background:#d98cb3"></span>compare failed\
      <span style="background:#f0ad4e"></span>info\
      <span style="background:rgba(90,90,160,.25)"></span>fault</span>
      <span class="note">wheel: zoom, drag: pan, double click: whole run</span>
      </div>
      <canvas id="tl-overview"></canvas>
      <div id="tl-wrap"><canvas id="tl-main"></canvas></div>
      <div id="tl-tip"></div>
      </section>
      """;

  private static final String SCRIPT = """
      (function () {
        'use strict';
        var D = JSON.parse(document.getElementById('tl-data').textContent);
        var S = D.strings, ops = D.ops, total = D.end;
        var KIND = D.kinds || ['r', 'w', 'cas'], OUT = ['ok', 'fail', 'info', 'compare failed'];
        var COLOR = ['#5cb85c', '#e06666', '#f0ad4e', '#d98cb3'];
        var LANE = 16, AXIS = 22, LABELS = 52;
        var main = document.getElementById('tl-main'), ov = document.getElementById('tl-overview');
        var wrap = document.getElementById('tl-wrap'), tip = document.getElementById('tl-tip');
        var from = document.getElementById('tl-from'), to = document.getElementById('tl-to');
        var keySel = document.getElementById('tl-key');
        var v0 = 0, v1 = total, key = -1, focus = new Set(D.highlight);
        var byLane = D.lanes.map(function () { return []; });
        ops.forEach(function (o) { byLane[o[1]].push(o); });
        D.keys.forEach(function (k) {
          var opt = document.createElement('option');
          opt.value = k; opt.textContent = S[k]; keySel.appendChild(opt);
        });
        function str(i) { return i < 0 ? 'nil' : S[i]; }
        function endOf(o) { return o[8] < 0 ? total : o[8]; }
        function label(o) {
          if (D.kinds) return KIND[o[2]] + ' ' + str(o[4]);
          var v = o[2] === 0 ? (o[6] === 0 ? str(o[4]) : '')
            : o[2] === 1 ? str(o[4]) : str(o[5]) + '->' + str(o[4]);
          return KIND[o[2]] + ' ' + S[o[3]] + ' ' + v;
        }
        function width() { return main.clientWidth - LABELS; }
        function x(t) { return LABELS + (t - v0) / (v1 - v0) * width(); }
        function t(px) { return v0 + (px - LABELS) / width() * (v1 - v0); }
        function setView(a, b) {
          var span = Math.max(1000, b - a);
          a = Math.max(-span * 0.05, a); b = a + span;
          v0 = a; v1 = b;
          from.value = (a / 1e6).toFixed(3); to.value = (b / 1e6).toFixed(3);
          draw();
        }
        function setup(canvas, h) {
          var dpr = window.devicePixelRatio || 1, w = canvas.clientWidth;
          canvas.style.height = h + 'px';
          canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
          var c = canvas.getContext('2d'); c.setTransform(dpr, 0, 0, dpr, 0, 0);
          return c;
        }
        function ticks(c, h) {
          var span = (v1 - v0) / 1e6, step = Math.pow(10, Math.floor(Math.log10(span / 8)));
          if (span / step > 16) step *= 5; else if (span / step > 8) step *= 2;
          c.fillStyle = '#444'; c.strokeStyle = '#e6e6e6'; c.font = '11px sans-serif';
          for (var m = Math.ceil(v0 / 1e6 / step) * step; m <= v1 / 1e6; m += step) {
            var px = x(m * 1e6);
            c.beginPath(); c.moveTo(px, AXIS - 4); c.lineTo(px, h); c.stroke();
            c.fillText(step >= 1000 ? +(m / 1000).toFixed(3) + ' s' : +m.toFixed(6) + ' ms',
              px + 2, 12);
          }
        }
        function faults(c, h, toX) {
          D.nemesis.forEach(function (n) {
            var a = toX(n[0]), b = toX(n[1]);
            c.fillStyle = 'rgba(90,90,160,.18)';
            c.fillRect(a, 0, Math.max(2, b - a), h);
            c.fillStyle = '#335'; c.font = '11px sans-serif';
            if (toX === x) c.fillText(n[2] + (n[3] ? ' ' + n[3] : ''), a + 3, AXIS + 10);
          });
        }
        function draw() {
          var h = AXIS + D.lanes.length * LANE + 4, c = setup(main, h), w = main.clientWidth;
          c.clearRect(0, 0, w, h);
          ticks(c, h);
          faults(c, h, x);
          c.font = '11px sans-serif';
          for (var l = 0; l < byLane.length; l++) {
            var y = AXIS + l * LANE;
            if (l % 2) { c.fillStyle = 'rgba(0,0,0,.03)'; c.fillRect(LABELS, y, w, LANE); }
            var lane = byLane[l];
            for (var i = 0; i < lane.length; i++) {
              var o = lane[i], a = o[7], b = endOf(o);
              if (b < v0 || a > v1) continue;
              var xa = Math.max(LABELS, x(a)), xb = Math.min(w, x(b)), bw = Math.max(1, xb - xa);
              c.globalAlpha = key >= 0 && o[3] !== key ? 0.12 : o[8] < 0 ? 0.45 : 1;
              c.fillStyle = COLOR[o[6]];
              c.fillRect(xa, y + 2, bw, LANE - 4);
              if (focus.has(o[0])) {
                c.globalAlpha = 1; c.strokeStyle = '#900'; c.lineWidth = 2;
                c.strokeRect(xa - 1, y + 1, bw + 2, LANE - 2);
              }
              if (bw > 40) {
                c.globalAlpha = 1; c.fillStyle = '#111';
                c.save(); c.beginPath(); c.rect(xa, y, bw - 2, LANE); c.clip();
                c.fillText(label(o), xa + 3, y + LANE - 4); c.restore();
              }
            }
            c.globalAlpha = 1; c.fillStyle = '#fff'; c.fillRect(0, y, LABELS, LANE);
            c.fillStyle = '#333'; c.fillText('p' + D.lanes[l], 4, y + LANE - 4);
          }
          overview();
        }
        function overview() {
          var w = ov.clientWidth, h = 40, c = setup(ov, h), bins = new Array(w).fill(0), max = 1;
          c.clearRect(0, 0, w, h);
          function ox(tt) { return tt / total * w; }
          ops.forEach(function (o) {
            var b = Math.min(w - 1, Math.floor(ox(o[7])));
            if (b >= 0) { bins[b]++; max = Math.max(max, bins[b]); }
          });
          c.fillStyle = '#9ab';
          for (var i = 0; i < w; i++) c.fillRect(i, h - bins[i] / max * (h - 4), 1, h);
          faults(c, h, ox);
          ops.forEach(function (o) {
            if (focus.has(o[0])) { c.fillStyle = '#c00'; c.fillRect(ox(o[7]) - 1, 0, 3, 8); }
          });
          c.strokeStyle = '#c00'; c.lineWidth = 1.5;
          c.strokeRect(ox(v0), 1, Math.max(2, ox(v1) - ox(v0)), h - 2);
        }
        function at(ev) {
          var r = main.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
          var l = Math.floor((py - AXIS) / LANE);
          if (l < 0 || l >= byLane.length || px < LABELS) return null;
          var tt = t(px), slack = 3 / width() * (v1 - v0), hit = null;
          byLane[l].forEach(function (o) {
            if (o[7] - slack <= tt && tt <= endOf(o) + slack) hit = o;
          });
          return hit;
        }
        main.addEventListener('wheel', function (ev) {
          ev.preventDefault();
          var r = main.getBoundingClientRect(), m = t(ev.clientX - r.left);
          var f = ev.deltaY > 0 ? 1.25 : 0.8;
          setView(m - (m - v0) * f, m + (v1 - m) * f);
        }, {passive: false});
        var drag = null;
        main.addEventListener('mousedown', function (ev) {
          drag = {x: ev.clientX, v0: v0, v1: v1};
        });
        window.addEventListener('mouseup', function () { drag = null; });
        window.addEventListener('mousemove', function (ev) {
          if (drag) {
            var d = (ev.clientX - drag.x) / width() * (drag.v1 - drag.v0);
            setView(drag.v0 - d, drag.v1 - d);
          }
        });
        main.addEventListener('dblclick', function () { setView(0, total); });
        main.addEventListener('mousemove', function (ev) {
          var o = drag ? null : at(ev);
          if (!o) { tip.style.display = 'none'; return; }
          tip.textContent = 'p' + D.lanes[o[1]] + ' ' + label(o) + '  (' + OUT[o[6]] + ')\\n'
            + 'invoked ' + (o[7] / 1e6).toFixed(3) + ' ms, '
            + (o[8] < 0 ? 'never completed' : 'completed ' + (o[8] / 1e6).toFixed(3) + ' ms')
            + (o[6] === 2 && o[2] > 0 ? '\\nmay take effect at any time after its invoke, or never'
              : '')
            + (o[9] >= 0 ? '\\nnode ' + S[o[9]] : '') + '\\nop #' + o[0];
          tip.style.left = (ev.clientX + 12) + 'px'; tip.style.top = (ev.clientY + 12) + 'px';
          tip.style.display = 'block';
        });
        main.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
        ov.addEventListener('click', function (ev) {
          var r = ov.getBoundingClientRect(), c = (ev.clientX - r.left) / ov.clientWidth * total;
          var half = (v1 - v0) / 2; setView(c - half, c + half);
        });
        document.getElementById('tl-apply').addEventListener('click', function () {
          setView(parseFloat(from.value) * 1e6, parseFloat(to.value) * 1e6);
        });
        document.getElementById('tl-reset').addEventListener('click', function () {
          setView(0, total);
        });
        keySel.addEventListener('change', function () {
          key = parseInt(keySel.value, 10); draw();
        });
        document.querySelectorAll('button.show').forEach(function (b) {
          b.addEventListener('click', function () {
            var a = parseFloat(b.dataset.from), z = parseFloat(b.dataset.to);
            var margin = Math.max((z - a) * 0.3, 1000);
            focus = new Set(b.dataset.ops.split(' ').map(Number));
            setView(a - margin, z + margin);
            document.getElementById('timeline').scrollIntoView();
          });
        });
        window.addEventListener('resize', draw);
        setView(0, total);
      })();
      """;
}
