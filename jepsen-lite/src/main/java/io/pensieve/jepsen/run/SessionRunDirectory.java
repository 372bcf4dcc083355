package io.pensieve.jepsen.run;

import io.pensieve.jepsen.checker.ConvergenceChecker;
import io.pensieve.jepsen.checker.ConvergenceResult;
import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.checker.SessionChecker;
import io.pensieve.jepsen.checker.SessionOperation;
import io.pensieve.jepsen.checker.SessionResult;
import io.pensieve.jepsen.history.SessionEvent;
import io.pensieve.jepsen.report.NemesisEvent;
import io.pensieve.jepsen.report.SessionReports;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A sessions run's directory, as {@link RunDirectory} is the register's: the same files, the
 * history of {@link SessionEvent}s, checked by {@link SessionChecker} (with the clock offsets
 * of the nemesis's events) and the replicas' digests by {@link ConvergenceChecker}.
 */
public final class SessionRunDirectory {
  /**
   * @param recoveryMillis how long the cluster took to recover after the faults healed; null if
   *     it never did
   */
  public record Report(SessionResult sessions, ConvergenceResult convergence,
                       Long recoveryMillis) {
    public boolean valid() {
      return sessions.valid() && convergence.converged();
    }
  }

  private final RunDirectory files;

  public SessionRunDirectory(RunDirectory files) {
    this.files = files;
  }

  /** Checks what the run recorded and writes the report next to it. */
  public Report check() throws IOException {
    List<SessionEvent> events = HistoryFile.readSessions(
        files.path().resolve(RunDirectory.HISTORY));
    List<NemesisEvent> nemesis = files.nemesisEvents();
    SessionResult sessions = SessionChecker.check(events, nemesis,
        SessionChecker.Settings.defaults());
    Duration recovery = files.recovery();
    Report report = new Report(sessions, ConvergenceChecker.check(files.digests()),
        recovery == null ? null : recovery.toMillis());
    SessionReports.write(files.path(), SessionOperation.pair(events), nemesis, report);
    return report;
  }
}
