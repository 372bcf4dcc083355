package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.cli.bench.BenchPlan;
import io.pensieve.cli.bench.BenchResult;
import io.pensieve.cli.bench.LevelResult;
import io.pensieve.cli.bench.Millis;
import io.pensieve.cli.bench.Op;
import io.pensieve.cli.bench.OpStats;
import io.pensieve.cli.bench.PreloadResult;
import io.pensieve.cli.bench.Workload;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code pvctl bench} prints: a table (a row per operation, or a row per level for a
 * sweep), or one JSON document whose shape docs/pvctl.md documents.
 */
final class BenchReport {
  private BenchReport() {}

  static void emit(BenchResult result, Output output) {
    output.emit(json(result), text(result));
  }

  static ObjectNode json(BenchResult result) {
    BenchPlan plan = result.plan();
    ObjectNode json = ProtoJson.object()
        .put("workload", plan.workload().label())
        .put("api", plan.api().label());
    json.putArray("endpoints").addAll(result.endpoints().stream()
        .map(ProtoJson.NODES::textNode).toList());
    json.put("in_flight", plan.inFlight());
    if (plan.openLoop()) {
      json.put("rate", plan.rate().getAsDouble());
    } else {
      json.putNull("rate");
    }
    json.put("duration_seconds", plan.duration().toMillis() / 1000.0)
        .put("warmup_seconds", plan.warmup().toMillis() / 1000.0)
        .put("keys", plan.keys())
        .put("value_size", plan.valueSize())
        .put("consistency", plan.staleReads() ? "stale" : "linearizable")
        .put("read_ratio", plan.readRatio())
        .put("seed", plan.seed());
    if (result.preload().isPresent()) {
      PreloadResult preload = result.preload().get();
      ObjectNode node = json.putObject("preload").put("keys", preload.keys())
          .put("seconds", thousandths(preload.seconds()))
          .put("ops_per_second", thousandths(preload.opsPerSecond()))
          .put("errors", preload.errors());
      errors(node, preload.errorsByKind());
    } else {
      json.putNull("preload");
    }
    for (LevelResult level : result.levels()) {
      ObjectNode node = json.withArray("levels").addObject()
          .put("clients", level.clients())
          .put("in_flight_total", level.inFlightTotal())
          .put("seconds", level.seconds())
          .put("unsent", level.unsent());
      node.set("total", stats(level.total()));
      ObjectNode operations = node.putObject("operations");
      for (Op op : Op.values()) {
        if (level.operations().containsKey(op)) {
          operations.set(op.label(), stats(level.operations().get(op)));
        }
      }
    }
    return json;
  }

  private static ObjectNode stats(OpStats stats) {
    ObjectNode node = ProtoJson.object().put("ops", stats.ops())
        .put("ops_per_second", thousandths(stats.opsPerSecond()))
        .put("errors", stats.errors());
    errors(node, stats.errorsByKind());
    node.putObject("latency_ms")
        .put("mean", thousandths(stats.meanMillis()))
        .put("p50", thousandths(stats.p50Millis()))
        .put("p90", thousandths(stats.p90Millis()))
        .put("p99", thousandths(stats.p99Millis()))
        .put("p99_9", thousandths(stats.p999Millis()))
        .put("max", thousandths(stats.maxMillis()));
    return node;
  }

  /** Latencies to the microsecond: the histogram holds three significant digits anyway. */
  private static double thousandths(double value) {
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).doubleValue();
  }

  private static void errors(ObjectNode node, Map<String, Long> byKind) {
    ObjectNode kinds = node.putObject("errors_by_kind");
    byKind.forEach(kinds::put);
  }

  static String text(BenchResult result) {
    StringBuilder text = new StringBuilder(heading(result));
    result.preload().ifPresent(preload -> text.append(String.format(Locale.ROOT,
        "preload: %,d keys in %.2f s (%,.0f writes/s), %,d errors%s%n", preload.keys(),
        preload.seconds(), preload.opsPerSecond(), preload.errors(),
        kinds(preload.errorsByKind()))));
    text.append('\n');
    if (result.levels().size() == 1) {
      LevelResult level = result.levels().get(0);
      Table table = new Table("OP", "OPS", "OPS/S", "P50(ms)", "P90(ms)", "P99(ms)",
          "P99.9(ms)", "MAX(ms)", "ERRORS");
      for (Op op : Op.values()) {
        if (level.operations().containsKey(op)) {
          row(table, op.label(), level.operations().get(op));
        }
      }
      if (result.plan().workload() == Workload.MIXED) {
        row(table, "all", level.total());
      }
      text.append(table.render());
    } else {
      Table table = new Table("CLIENTS", "IN-FLIGHT", "OPS", "OPS/S", "P50(ms)", "P90(ms)",
          "P99(ms)", "P99.9(ms)", "MAX(ms)", "ERRORS", "UNSENT");
      for (LevelResult level : result.levels()) {
        OpStats all = level.total();
        table.row(level.clients(), level.inFlightTotal(), all.ops(),
            String.format(Locale.ROOT, "%.0f", all.opsPerSecond()),
            Millis.format(all.p50Millis()), Millis.format(all.p90Millis()),
            Millis.format(all.p99Millis()), Millis.format(all.p999Millis()),
            Millis.format(all.maxMillis()), all.errors(), level.unsent());
      }
      text.append(table.render());
    }
    for (LevelResult level : result.levels()) {
      text.append(footnotes(level, result.levels().size() > 1));
    }
    return text.toString();
  }

  private static String heading(BenchResult result) {
    BenchPlan plan = result.plan();
    String workload = plan.workload() == Workload.MIXED
        ? String.format(Locale.ROOT, "mixed (%.0f%% reads)", plan.readRatio() * 100)
        : plan.workload().label();
    String clients = plan.sweep() ? "clients " + plan.clientLevels()
        : clients(plan.clientLevels().get(0));
    String loop = plan.openLoop()
        ? String.format(Locale.ROOT, "open loop at %,.0f requests/s", plan.rate().getAsDouble())
        : "closed loop";
    List<String> details = new ArrayList<>();
    details.add(String.format(Locale.ROOT, "%,d keys", plan.keys()));
    if (plan.workload().writes() || plan.preloads()) {
      details.add(plan.valueSize() + "-byte values");
    }
    if (plan.workload().reads()) {
      details.add((plan.staleReads() ? "stale" : "linearizable") + " reads");
    }
    details.add("seed " + plan.seed());
    return String.format(Locale.ROOT, "%s over %s to %s%n%s x %d in flight, %s, %s after %s"
            + " warmup%n%s%n", workload, plan.api().label(), String.join(",",
            result.endpoints()), clients, plan.inFlight(), loop,
        Durations.format(plan.duration()), plan.warmup().isZero() ? "no"
            : Durations.format(plan.warmup()), String.join(", ", details));
  }

  private static String clients(int count) {
    return count + (count == 1 ? " client" : " clients");
  }

  private static void row(Table table, String name, OpStats stats) {
    table.row(name, stats.ops(), String.format(Locale.ROOT, "%.0f", stats.opsPerSecond()),
        Millis.format(stats.p50Millis()), Millis.format(stats.p90Millis()),
        Millis.format(stats.p99Millis()), Millis.format(stats.p999Millis()),
        Millis.format(stats.maxMillis()), stats.errors());
  }

  /** The errors by kind, and the requests never sent, under the table. */
  private static String footnotes(LevelResult level, boolean sweep) {
    StringBuilder notes = new StringBuilder();
    String at = sweep ? " at " + clients(level.clients()) : "";
    for (Map.Entry<Op, OpStats> entry : level.operations().entrySet()) {
      if (entry.getValue().errors() > 0) {
        notes.append(entry.getKey().label()).append(" errors").append(at).append(':')
            .append(kinds(entry.getValue().errorsByKind()).replaceFirst("^ \\(", " ")
                .replaceFirst("\\)$", "")).append('\n');
      }
    }
    if (level.unsent() > 0) {
      notes.append(String.format(Locale.ROOT, "unsent%s: %,d requests were due while every"
          + " connection was busy: the cluster fell behind --rate%n", at, level.unsent()));
    }
    return notes.toString();
  }

  /** {@code  (UNAVAILABLE/overloaded 3, timeout 1)}, or nothing. */
  private static String kinds(Map<String, Long> byKind) {
    if (byKind.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    byKind.forEach((kind, count) -> parts.add(kind + " " + count));
    return " (" + String.join(", ", parts) + ")";
  }
}
