package io.pensieve.jepsen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.BankHistory;
import io.pensieve.jepsen.checker.BankOperation;
import io.pensieve.jepsen.checker.BankResult;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.checker.KeyResult;
import io.pensieve.jepsen.checker.Operation;
import io.pensieve.jepsen.checker.Verdict;
import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Writes a run's report files: check.json, summary.txt, summary.json and timeline.html. */
public final class Reports {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  /**
   * @param recovery how long the cluster took to be healthy again once the faults were healed;
   *     null if it never was
   */
  public static void write(Path dir, List<Event> history, List<NemesisEvent> nemesis,
                           CheckReport report, Duration recovery) throws IOException {
    List<Operation> operations = HistoryFile.pair(history);
    Summary summary = Summary.of(operations, nemesis, report);
    writeSummaries(dir, report, summary.json(), summary.text(), oneLine(report), recovery);
    HtmlTimeline.write(dir.resolve("timeline.html"), "jepsen-lite " + dir.getFileName(),
        operations, nemesis, report);
  }

  /** A bank run's report files, of the same names and in the same manner. */
  public static void writeBank(Path dir, List<BankEvent> history, List<NemesisEvent> nemesis,
                               BankCheckReport report, Duration recovery) throws IOException {
    List<BankOperation> operations = BankHistory.pair(history);
    BankSummary summary = BankSummary.of(operations, nemesis, report);
    writeSummaries(dir, report, summary.json(), summary.text(), oneLine(report), recovery);
    HtmlTimeline.writeBank(dir.resolve("timeline.html"), "jepsen-lite bank " + dir.getFileName(),
        operations, nemesis, report);
  }

  /** check.json, summary.json, and summary.txt ending with the recovery and the verdict. */
  private static void writeSummaries(Path dir, Object report, String summaryJson,
                                     String summaryText, String verdictLine, Duration recovery)
      throws IOException {
    JSON.writeValue(dir.resolve("check.json").toFile(), report);
    Files.writeString(dir.resolve("summary.json"), summaryJson, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.txt"), summaryText
        + (recovery == null ? "Recovery: the cluster was NOT healthy after the faults healed\n"
            : "Recovery: healthy " + recovery.toMillis() + " ms after the faults healed\n")
        + verdictLine + "\n", StandardCharsets.UTF_8);
  }

  /** A bank run's verdict in one line, for a terminal. */
  public static String oneLine(BankCheckReport report) {
    BankResult bank = report.bank();
    List<String> broken = bank.violations().entrySet().stream()
        .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " x" + e.getValue()).toList();
    return String.format(Locale.ROOT, "%s: %d operations; bank total %d, %d reads (%d final);"
            + " %d transfers, %d acknowledged; rules %s%s; replicas %s; checked in %d ms",
        report.validity(), report.operations(), bank.total(), bank.reads(), bank.finalReads(),
        bank.transfers(), bank.acknowledged(),
        broken.isEmpty() ? "all kept" : "BROKEN " + broken,
        bank.undecided() == null ? "" : " (undecided: " + bank.undecided() + ")",
        report.convergence().converged() ? "converged" : "DIFFER", report.checkerMillis());
  }

  /** The verdict in one line, for a terminal. */
  public static String oneLine(CheckReport report) {
    long linearizable = report.keys().stream()
        .filter(k -> k.verdict() == Verdict.LINEARIZABLE).count();
    List<String> bad = report.keys().stream().filter(k -> k.verdict() != Verdict.LINEARIZABLE)
        .map(k -> k.key() + " " + k.verdict()).toList();
    return String.format(Locale.ROOT, "%s: %d operations; linearizable on %d of %d keys%s; "
            + "%d lost writes of %d acknowledged; replicas %s; checked in %d ms",
        report.validity(), report.operations(), linearizable, report.keys().size(),
        bad.isEmpty() ? "" : " " + bad, report.lostWrites().lost().size(),
        report.lostWrites().acknowledgedWrites(),
        report.convergence().converged() ? "converged" : "DIFFER", report.checkerMillis());
  }

  /** The keys found not linearizable. */
  public static List<String> nonLinearizableKeys(CheckReport report) {
    return report.keys().stream().filter(k -> k.verdict() == Verdict.NOT_LINEARIZABLE)
        .map(KeyResult::key).toList();
  }
}
