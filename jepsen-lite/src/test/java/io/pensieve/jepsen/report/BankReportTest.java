package io.pensieve.jepsen.report;

import static io.pensieve.jepsen.checker.BankHistories.balances;
import static io.pensieve.jepsen.checker.BankHistories.bank;
import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.BankHistory;
import io.pensieve.jepsen.checker.Checker;
import io.pensieve.jepsen.checker.NodeDigest;
import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bank run's summary, one-line verdict and page: what the checker found, said plainly. */
class BankReportTest {
  private static final Map<String, NodeDigest> SAME = Map.of("n1", new NodeDigest("d", 9),
      "n2", new NodeDigest("d", 9));

  /** An acknowledged transfer of 5 from a to b; the final read lost it. */
  private static List<BankEvent> lostTransfer() {
    return bank(10, 10)
        .transfer(1, "t1", "a", "b", 5, 10, 20, EventType.OK)
        .read(2, balances("a", 5, "b", 15), 7, 30, 40)
        .finalRead(1_000_000, balances("a", 10, "b", 10), List.of(), 9, 50, 60)
        .events();
  }

  @Test
  void aValidRunSaysEveryRuleWasKept(@TempDir Path dir) throws IOException {
    List<BankEvent> history = bank(10, 10)
        .transfer(1, "t1", "a", "b", 5, 10, 20, EventType.OK)
        .transferCompareFailed(2, "t2", "b", "a", 1, 12, 22)
        .finalRead(1_000_000, balances("a", 5, "b", 15), List.of("t1"), 9, 50, 60)
        .events();
    BankCheckReport report = Checker.checkBank(history, SAME);

    Reports.writeBank(dir, history, List.of(), report, Duration.ofMillis(1500));

    String summary = Files.readString(dir.resolve("summary.txt"));
    assertThat(summary).contains("Verdict: VALID")
        .contains("Bank: total 20; 2 transfers, 1 acknowledged; 1 reads of every account"
            + " (1 final)")
        .containsPattern("  total_changed +kept")
        .contains("Recovery: healthy 1500 ms after the faults healed")
        .doesNotContain("BROKEN");
    assertThat(summary).containsPattern("transfer +1 +0 +0 +1");
    assertThat(Reports.oneLine(report)).startsWith("VALID: 4 operations; bank total 20,")
        .contains("rules all kept; replicas converged");
    assertThat(Files.readString(dir.resolve("timeline.html")))
        .contains("<p class=\"verdict valid\">VALID</p>").contains("None found.")
        .contains("<label>operation <select");
  }

  @Test
  void aLostTransferIsNamedWithItsOperations(@TempDir Path dir) throws IOException {
    List<BankEvent> history = lostTransfer();
    BankCheckReport report = Checker.checkBank(history, SAME);

    Reports.writeBank(dir, history, List.of(new NemesisEvent(15, 25, "kill", "n1")), report,
        null);

    assertThat(report.valid()).isFalse();
    assertThat(Files.readString(dir.resolve("summary.txt"))).contains("Verdict: INVALID")
        .containsPattern("acknowledged_transfer_missing +BROKEN 1 time")
        .contains("ACKNOWLEDGED_TRANSFER_MISSING: transfer t1 (5 from a to b")
        .contains("Recovery: the cluster was NOT healthy");
    assertThat(Reports.oneLine(report)).startsWith("INVALID:")
        .contains("rules BROKEN [acknowledged_transfer_missing x1];");
    String html = Files.readString(dir.resolve("timeline.html"));
    assertThat(html).contains("<p class=\"verdict invalid\">INVALID</p>")
        .contains("<h3>acknowledged_transfer_missing</h3>")
        .contains("<td>p1 transfer t1 a-&gt;b 5 on n1 (ok)</td>")
        .contains("<td>kill</td>");
    // the operations are embedded for the timeline with their labels and kinds
    assertThat(html).contains("\"kinds\":[\"setup\",\"transfer\",\"read\",\"final\"]")
        .contains("\"t1 5 a-\\u003eb\"");
    assertThat(BankHistory.pair(history)).hasSize(4);
  }
}
