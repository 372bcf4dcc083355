package io.pensieve.jepsen.checker;

import static io.pensieve.jepsen.checker.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckerTest {
  private static final Map<String, NodeDigest> SAME = Map.of(
      "n1", new NodeDigest("d", 9), "n2", new NodeDigest("d", 9));

  private static Histories twoKeys() {
    return history()
        .write(1, "x", "a", 0, 1)
        .write(2, "y", "b", 0, 2)
        .read(1, "x", "a", 3, 4)
        .read(2, "y", "b", 3, 4);
  }

  @Test
  void aCleanRunIsValid() {
    CheckReport report = Checker.check(twoKeys().events(), Map.of("x", "a", "y", "b"), SAME,
        Duration.ofSeconds(5));
    assertThat(report.valid()).isTrue();
    assertThat(report.validity()).isEqualTo(CheckReport.Validity.VALID);
    assertThat(report.operations()).isEqualTo(4);
    assertThat(report.keys()).extracting(KeyResult::verdict)
        .containsOnly(Verdict.LINEARIZABLE);
    assertThat(report.anomalies()).isEmpty();
  }

  @Test
  void anyCheckerCanMakeItInvalid() {
    // a stale read
    CheckReport stale = Checker.check(twoKeys().write(3, "x", "c", 5, 6).read(1, "x", "a", 7, 8)
        .events(), null, null, Duration.ofSeconds(5));
    assertThat(stale.validity()).isEqualTo(CheckReport.Validity.INVALID);
    assertThat(stale.anomalies()).extracting(Anomaly::key).containsExactly("x");
    // a lost write
    CheckReport lost = Checker.check(twoKeys().events(), Map.of("x", "a", "y", "z"), SAME,
        Duration.ofSeconds(5));
    assertThat(lost.valid()).isFalse();
    assertThat(lost.lostWrites().unwritten()).hasSize(1);
    // nodes apart
    CheckReport apart = Checker.check(twoKeys().events(), Map.of(),
        Map.of("n1", new NodeDigest("d", 9), "n2", new NodeDigest("e", 9)),
        Duration.ofSeconds(5));
    assertThat(apart.validity()).isEqualTo(CheckReport.Validity.INVALID);
  }

  @Test
  void aKeyOutOfBudgetMakesTheRunUnknownNotValid() {
    KeyResult unknown = new KeyResult("x", Verdict.UNKNOWN, 10, 5, null, "budget");
    KeyResult fine = new KeyResult("y", Verdict.LINEARIZABLE, 10, 5, null, null);
    LostWriteResult noLoss = new LostWriteResult(0, 0, List.of(), List.of());
    ConvergenceResult converged = ConvergenceChecker.check(SAME);
    CheckReport report = new CheckReport(20, List.of(fine, unknown), noLoss, converged, 7);
    assertThat(report.valid()).isFalse();
    assertThat(report.validity()).isEqualTo(CheckReport.Validity.UNKNOWN);
    // a violation elsewhere still makes it invalid
    CheckReport worse = new CheckReport(20, List.of(fine, unknown), noLoss,
        ConvergenceChecker.check(Map.of("n1", new NodeDigest("d", 9),
            "n2", new NodeDigest("e", 9))), 7);
    assertThat(worse.validity()).isEqualTo(CheckReport.Validity.INVALID);
  }

  @Test
  void theReportSerialisesToJsonAndBack() throws Exception {
    CheckReport report = Checker.check(twoKeys().write(3, "x", "c", 5, 6)
        .read(1, "x", "a", 7, 8).events(), Map.of("x", "c"), SAME, Duration.ofSeconds(5));
    ObjectMapper mapper = new ObjectMapper();
    String json = mapper.writeValueAsString(report);
    JsonNode tree = mapper.readTree(json);
    assertThat(tree.get("valid").asBoolean()).isFalse();
    assertThat(tree.get("validity").asText()).isEqualTo("INVALID");
    assertThat(tree.at("/keys/0/anomaly/explanation").asText())
        .startsWith("read of x returned a but c was written");
    assertThat(tree.at("/keys/0/anomaly/window/0/outcome").asText()).isEqualTo("ok");
    assertThat(mapper.readValue(json, CheckReport.class)).isEqualTo(report);
  }
}
