package io.pensieve.jepsen.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pensieve.jepsen.checker.Outcome;
import io.pensieve.jepsen.report.Summary.Throughput;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run did, whatever its workload: operations by kind and outcome, from the first invoke
 * to the last end, ok throughput in and out of the nemesis's faults, and the faults in order.
 * {@link Summary} and {@link BankSummary} carry these fields and print them alike.
 *
 * @param counts operations by kind, then by outcome (every kind and outcome present, 0 or not)
 * @param seconds from the first invoke to the last end
 * @param nemesis the faults, by start time
 */
record Activity(int operations, Map<String, Map<String, Integer>> counts, double seconds,
                Throughput throughput, List<NemesisEvent> nemesis) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One operation as the summaries count it.
   *
   * @param endTime when it last ended, {@link Long#MAX_VALUE} if never: closes the run's span
   * @param completeTime when an ok completed: places it in or out of the faults
   */
  record Timed(String kind, Outcome outcome, long invokeTime, long endTime, long completeTime) {}

  /** @param kinds every kind of operation, in the order the counts list them */
  static Activity of(List<String> kinds, List<Timed> operations, List<NemesisEvent> nemesis) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (String kind : kinds) {
      Map<String, Integer> byOutcome = new LinkedHashMap<>();
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome.json(), 0);
      }
      counts.put(kind, byOutcome);
    }
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Timed op : operations) {
      counts.get(op.kind()).merge(op.outcome().json(), 1, Integer::sum);
      start = Math.min(start, op.invokeTime());
      end = Math.max(end, op.endTime() == Long.MAX_VALUE ? op.invokeTime() : op.endTime());
    }
    if (operations.isEmpty()) {
      start = 0;
      end = 0;
    }
    List<long[]> faults = union(nemesis, start, end);
    long faultNanos = faults.stream().mapToLong(f -> f[1] - f[0]).sum();
    int okTotal = 0;
    int okDuring = 0;
    for (Timed op : operations) {
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
    return new Activity(operations.size(), counts, span / 1e9, throughput, events);
  }

  /**
   * The lines from "Operations" to the faults.
   *
   * @param kindWidth the width of the column of kinds, the longest kind's
   */
  void appendText(StringBuilder s, int kindWidth) {
    String kindColumn = "  %-" + kindWidth + "s";
    s.append(String.format(Locale.ROOT, "Operations: %d in %.1f s%n", operations, seconds));
    s.append(String.format(Locale.ROOT, kindColumn, ""));
    for (Outcome outcome : Outcome.values()) {
      s.append(String.format(Locale.ROOT, " %15s", outcome.json()));
    }
    s.append(System.lineSeparator());
    counts.forEach((kind, byOutcome) -> {
      s.append(String.format(Locale.ROOT, kindColumn, kind));
      byOutcome.values().forEach(n -> s.append(String.format(Locale.ROOT, " %15d", n)));
      s.append(System.lineSeparator());
    });
    s.append(String.format(Locale.ROOT, "Throughput (ok ops/s): %s overall; %s during faults"
            + " (%.1f s), %s outside%n", rate(throughput.overall()),
        rate(throughput.duringNemesis()), throughput.nemesisSeconds(),
        rate(throughput.outsideNemesis())));
    s.append("Nemesis: ").append(nemesis.isEmpty() ? "none" : nemesis.size() + " event(s)")
        .append(System.lineSeparator());
    for (NemesisEvent e : nemesis) {
      s.append(String.format(Locale.ROOT, "  %9.3f s .. %9.3f s  %s%s%n", e.startNanos() / 1e9,
          e.endNanos() / 1e9, e.name(), e.detail() == null ? "" : "  " + e.detail()));
    }
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

  static String rate(Double perSecond) {
    return perSecond == null ? "-" : String.format(Locale.ROOT, "%.1f", perSecond);
  }

  /** A summary as summary.json holds it. */
  static String json(Object summary) {
    try {
      return JSON.writeValueAsString(summary);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
