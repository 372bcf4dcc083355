package io.pensieve.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.checker.Outcome;
import io.pensieve.jepsen.report.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 30-second run of three node processes, killed with -9 and partitioned in turn while ten
 * clients work: the history is linearizable on every key, no acknowledged write is lost, and
 * the replicas converge.
 */
class SmokeRunIT {
  @Test
  void killsAndPartitionsLeaveAValidHistory(@TempDir Path store) throws Exception {
    RunResult result = new TestRun(Runs.shortRun(store, List.of("kill", "partition"), false))
        .run();

    assertThat(result.report().valid()).as(Reports.oneLine(result.report())).isTrue();
    // and the faults did happen, with the workload running through them
    assertThat(Files.readString(result.directory().resolve("nemesis.jsonl")))
        .contains("\"name\":\"kill\"").contains("\"name\":\"partition\"");
    assertThat(HistoryFile.readOperations(result.directory().resolve(RunDirectory.HISTORY))
        .stream().filter(op -> op.outcome() == Outcome.OK).count()).isGreaterThan(1_000);
    assertThat(result.directory().resolve("timeline.html")).isNotEmptyFile();
    assertThat(result.directory().resolve("summary.txt")).isNotEmptyFile();
  }
}
