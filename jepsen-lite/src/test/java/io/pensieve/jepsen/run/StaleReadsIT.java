package io.pensieve.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.Checker;
import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.OpKind;
import io.pensieve.jepsen.report.NemesisEvent;
import io.pensieve.jepsen.report.Reports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker catches a real bug: reads at {@code consistency=stale} served by an old leader cut
 * off from the others return values the majority has since overwritten, and the run is
 * reported as not linearizable: those reads alone make it so.
 */
class StaleReadsIT {
  /** "isolate leader [[n2], [n1, n3]]": the node cut off. */
  private static final Pattern ISOLATED = Pattern.compile("isolate leader \\[\\[(n\\d+)]");

  @Test
  void staleReadsOnAPartitionedOldLeaderAreReportedNotLinearizable(@TempDir Path store)
      throws Exception {
    RunResult result = new TestRun(Runs.staleReadsUnderPartition(store))
        .run();

    assertThat(result.report().valid()).isFalse();
    assertThat(Reports.nonLinearizableKeys(result.report()))
        .as(Reports.oneLine(result.report())).isNotEmpty();

    // and the reads the cut-off old leader served are enough: with every other read left out,
    // the history is still not linearizable
    List<NemesisEvent> partitions = new RunDirectory(result.directory()).nemesisEvents();
    List<Event> history = HistoryFile.read(result.directory().resolve(RunDirectory.HISTORY));
    List<Event> cutOffReadsOnly = withoutReadsExcept(history, partitions);
    assertThat(cutOffReadsOnly.size()).isLessThan(history.size());
    CheckReport recheck = Checker.check(cutOffReadsOnly, null, null, Duration.ofSeconds(30));
    assertThat(Reports.nonLinearizableKeys(recheck)).as(Reports.oneLine(recheck)).isNotEmpty();
  }

  /** The history without its reads, except those an isolated node served while cut off. */
  private static List<Event> withoutReadsExcept(List<Event> history,
                                                List<NemesisEvent> partitions) {
    Map<Integer, Event> invoked = new HashMap<>();
    Set<Long> dropped = new HashSet<>();
    for (Event event : history) {
      if (event.type() == EventType.INVOKE) {
        invoked.put(event.process(), event);
      } else if (event.f() == OpKind.READ) {
        Event invoke = invoked.remove(event.process());
        if (!servedCutOff(invoke, event, partitions)) {
          dropped.add(invoke.index());
          dropped.add(event.index());
        }
      }
    }
    return history.stream().filter(e -> !dropped.contains(e.index())).toList();
  }

  private static boolean servedCutOff(Event invoke, Event completion,
                                      List<NemesisEvent> partitions) {
    for (NemesisEvent partition : partitions) {
      Matcher isolated = ISOLATED.matcher(partition.detail());
      if (isolated.find() && isolated.group(1).equals(invoke.node())
          && invoke.time() >= partition.startNanos()
          && completion.time() <= partition.endNanos()) {
        return true;
      }
    }
    return false;
  }
}
