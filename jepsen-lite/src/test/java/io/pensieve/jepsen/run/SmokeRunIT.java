package io.pensieve.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.jepsen.report.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
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
    RunResult result = new TestRun(Runs.smoke(store))
        .run();

    assertThat(result.report().valid()).as(Reports.oneLine(result.report())).isTrue();
    // and the faults did happen, with the workload running through them
    assertThat(Files.readString(result.directory().resolve("nemesis.jsonl")))
        .contains("\"name\":\"kill\"").contains("\"name\":\"partition\"");
    JsonNode throughput = new ObjectMapper()
        .readTree(result.directory().resolve("summary.json").toFile()).path("throughput");
    assertThat(throughput.path("duringNemesis").asDouble()).as("ok operations/s under faults")
        .isPositive();
    assertThat(throughput.path("outsideNemesis").asDouble()).as("ok operations/s without")
        .isPositive();
    assertThat(result.directory().resolve("timeline.html")).isNotEmptyFile();
    assertThat(result.directory().resolve("summary.txt")).isNotEmptyFile();
  }
}
