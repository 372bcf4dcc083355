package io.pensieve.jepsen.run;

import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.report.Reports;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a run left its files, and what the checker made of it: the register's report or the
 * bank's, whichever workload ran (exactly one is present).
 */
public record RunResult(Path directory, Optional<CheckReport> registerReport,
                        Optional<BankCheckReport> bankReport) {
  public RunResult {
    if (registerReport.isPresent() == bankReport.isPresent()) {
      throw new IllegalArgumentException("a run has exactly one workload's report");
    }
  }

  public static RunResult register(Path directory, CheckReport report) {
    return new RunResult(directory, Optional.of(report), Optional.empty());
  }

  public static RunResult bank(Path directory, BankCheckReport report) {
    return new RunResult(directory, Optional.empty(), Optional.of(report));
  }

  /**
   * The register workload's report.
   *
   * @throws java.util.NoSuchElementException for a run of the bank
   */
  public CheckReport report() {
    return registerReport.orElseThrow();
  }

  public boolean valid() {
    return registerReport.map(CheckReport::valid)
        .orElseGet(() -> bankReport.orElseThrow().valid());
  }

  /** The verdict in one line, for a terminal. */
  public String oneLine() {
    return registerReport.map(Reports::oneLine)
        .orElseGet(() -> Reports.oneLine(bankReport.orElseThrow()));
  }
}
