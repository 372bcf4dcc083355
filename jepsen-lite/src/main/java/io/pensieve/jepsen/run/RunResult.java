package io.pensieve.jepsen.run;

import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.report.Reports;
import io.pensieve.jepsen.report.SessionReports;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a run left its files, and what the checker made of it: the register's report, the
 * bank's or the sessions', whichever workload ran (exactly one is present).
 */
public record RunResult(Path directory, Optional<CheckReport> registerReport,
                        Optional<BankCheckReport> bankReport,
                        Optional<SessionRunDirectory.Report> sessionsReport) {
  public RunResult {
    if (Stream.of(registerReport, bankReport, sessionsReport)
        .filter(Optional::isPresent).count() != 1) {
      throw new IllegalArgumentException("a run has exactly one workload's report");
    }
  }

  public static RunResult register(Path directory, CheckReport report) {
    return new RunResult(directory, Optional.of(report), Optional.empty(), Optional.empty());
  }

  public static RunResult bank(Path directory, BankCheckReport report) {
    return new RunResult(directory, Optional.empty(), Optional.of(report), Optional.empty());
  }

  public static RunResult sessions(Path directory, SessionRunDirectory.Report report) {
    return new RunResult(directory, Optional.empty(), Optional.empty(), Optional.of(report));
  }

  /**
   * The register workload's report.
   *
   * @throws java.util.NoSuchElementException for a run of another workload
   */
  public CheckReport report() {
    return registerReport.orElseThrow();
  }

  public boolean valid() {
    return registerReport.map(CheckReport::valid)
        .or(() -> bankReport.map(BankCheckReport::valid))
        .orElseGet(() -> sessionsReport.orElseThrow().valid());
  }

  /** The verdict in one line, for a terminal. */
  public String oneLine() {
    return registerReport.map(Reports::oneLine)
        .or(() -> bankReport.map(Reports::oneLine))
        .orElseGet(() -> SessionReports.oneLine(sessionsReport.orElseThrow()));
  }
}
