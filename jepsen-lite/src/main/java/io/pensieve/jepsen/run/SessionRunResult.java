package io.pensieve.jepsen.run;

import io.pensieve.jepsen.checker.ConvergenceResult;
import io.pensieve.jepsen.checker.SessionResult;
import java.nio.file.Path;

/** Where a sessions run left its files, and what the checkers made of it. */
public record SessionRunResult(Path directory, SessionRunDirectory.Report report) {
  public boolean valid() {
    return report.valid();
  }

  public SessionResult sessions() {
    return report.sessions();
  }

  public ConvergenceResult convergence() {
    return report.convergence();
  }
}
