package io.pensieve.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.report.Reports;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker catches a real bug: reads at {@code consistency=stale} served by an old leader cut
 * off from the others return values the majority has since overwritten, and the run is
 * reported as not linearizable.
 */
class StaleReadsIT {
  @Test
  void staleReadsOnAPartitionedOldLeaderAreReportedNotLinearizable(@TempDir Path store)
      throws Exception {
    RunResult result = new TestRun(Runs.shortRun(store, List.of("partition-leader"), true))
        .run();

    assertThat(result.report().valid()).isFalse();
    assertThat(Reports.nonLinearizableKeys(result.report()))
        .as(Reports.oneLine(result.report())).isNotEmpty();
    assertThat(result.report().anomalies()).isNotEmpty()
        .allSatisfy(a -> assertThat(a.explanation()).contains("read"));
  }
}
