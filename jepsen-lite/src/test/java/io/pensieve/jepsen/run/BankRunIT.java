package io.pensieve.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.cluster.BuiltTree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20 seconds of the bank workload on three node processes, no faults: transfers are
 * transactions with version compares, reads are ranges, and the checker finds every rule kept,
 * every acknowledged transfer's marker in the final state of every node, and the replicas equal.
 */
class BankRunIT {
  @Test
  void transfersWithoutFaultsLeaveAValidBank(@TempDir Path store) throws Exception {
    BuiltTree.assumePackaged();
    RunResult result = new TestRun(Runs.bank(store)).run();

    assertThat(result.valid()).as(result.oneLine()).isTrue();
    BankCheckReport report = result.bankReport().orElseThrow();
    assertThat(report.bank().total()).isEqualTo(500);
    assertThat(report.bank().acknowledged()).as("transfers that applied").isPositive();
    assertThat(report.bank().reads()).isGreaterThan(report.bank().acknowledged());
    assertThat(report.bank().finalReads()).as("one final read per node").isEqualTo(3);
    assertThat(report.bank().undecided()).isNull();
    assertThat(report.convergence().converged()).isTrue();

    // the run's files say so too, and a second check of them says the same
    Path dir = result.directory();
    assertThat(Files.readString(dir.resolve("summary.txt")))
        .contains("Verdict: VALID").contains("Bank: total 500;")
        .contains("acknowledged_transfer_missing").doesNotContain("BROKEN");
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.path("counts").path("transfer").path("ok").asInt())
        .isEqualTo(report.bank().acknowledged());
    assertThat(Files.readString(dir.resolve("timeline.html")))
        .contains("<p class=\"verdict valid\">VALID</p>").contains("<h2>Rules</h2>");
    assertThat(Files.readString(dir.resolve("options.json"))).contains("\"workload\" : \"bank\"");
    RunResult again = new RunDirectory(dir).checkRun(Runs.bank(store).checkBudget());
    assertThat(again.bankReport().orElseThrow().bank()).isEqualTo(report.bank());
  }
}
