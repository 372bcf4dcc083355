package io.pensieve.jepsen.report;

import static io.pensieve.jepsen.checker.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.Checker;
import io.pensieve.jepsen.checker.Histories;
import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
  private static final long SECOND = 1_000_000_000L;

  /** Ten seconds; a fault from 2 s to 6 s; ok completions at 1, 3, 5, 7, 9 s and one at 9.5 s. */
  private static Summary summary() {
    Histories h = history()
        .write(1, "k", "a", 0, SECOND)
        .read(1, "k", "a", 2 * SECOND, 3 * SECOND)
        .write(2, "k", "b", 4 * SECOND, 5 * SECOND, EventType.FAIL)
        .casCompareFailed(3, "k", "x", "c", 4 * SECOND, 5 * SECOND)
        .write(2, "k", "d", 6 * SECOND, 7 * SECOND)
        .cas(3, "k", "d", "e", 8 * SECOND, 9 * SECOND)
        .read(4, "k", "e", 9 * SECOND, 9 * SECOND + SECOND / 2)
        .write(5, "k", "f", 9 * SECOND, 10 * SECOND, EventType.INFO)
        .read(1, "k", "e", 7 * SECOND, 8 * SECOND);
    List<Event> events = h.events();
    CheckReport report = Checker.check(events, Map.of("k", "e"), Map.of(),
        Duration.ofSeconds(5));
    return Summary.of(HistoryFile.pair(events),
        List.of(new NemesisEvent(2 * SECOND, 6 * SECOND, "partition", "n1 | n2 n3")), report);
  }

  @Test
  void countsOperationsByKindAndOutcome() {
    Summary s = summary();
    assertThat(s.operations()).isEqualTo(9);
    assertThat(s.counts().get("read")).containsEntry("ok", 3).containsEntry("fail", 0);
    assertThat(s.counts().get("write")).containsEntry("ok", 2).containsEntry("fail", 1)
        .containsEntry("info", 1);
    assertThat(s.counts().get("cas")).containsEntry("ok", 1).containsEntry("compare_failed", 1);
    assertThat(s.seconds()).isEqualTo(10.0);
  }

  @Test
  void throughputInsideAndOutsideFaults() {
    Summary.Throughput t = summary().throughput();
    // 6 ok completions over 10 s; 1 (at 3 s) in the 4 s of fault; 5 in the other 6 s
    assertThat(t.overall()).isCloseTo(0.6, within(1e-9));
    assertThat(t.nemesisSeconds()).isEqualTo(4.0);
    assertThat(t.duringNemesis()).isCloseTo(0.25, within(1e-9));
    assertThat(t.outsideNemesis()).isCloseTo(5 / 6.0, within(1e-9));
  }

  @Test
  void textNamesTheFaultsAndVerdicts() {
    String text = summary().text();
    assertThat(text).contains("Operations: 9 in 10.0 s")
        .containsPattern("write +2 +1 +1 +0")
        .contains("Throughput (ok ops/s): 0.6 overall; 0.3 during faults (4.0 s), 0.8 outside")
        .contains("2.000 s ..     6.000 s  partition  n1 | n2 n3")
        .contains("Verdict: VALID")
        .contains("k: LINEARIZABLE (")
        .contains("Lost writes: 0")
        .contains("Convergence: converged")
        .containsPattern("Checker time: \\d+ ms");
  }

  @Test
  void jsonCarriesTheSame() throws Exception {
    JsonNode json = new ObjectMapper().readTree(summary().json());
    assertThat(json.get("verdict").asText()).isEqualTo("VALID");
    assertThat(json.at("/counts/cas/compare_failed").asInt()).isEqualTo(1);
    assertThat(json.at("/throughput/duringNemesis").asDouble()).isEqualTo(0.25);
    assertThat(json.at("/nemesis/0/name").asText()).isEqualTo("partition");
    assertThat(json.at("/keys/0").asText()).startsWith("k: LINEARIZABLE");
  }

  @Test
  void noFaultsMeansNoRateDuringThem() throws Exception {
    List<Event> events = history().write(1, "k", "a", 0, SECOND).events();
    CheckReport report = Checker.check(events, null, null, Duration.ofSeconds(1));
    Summary s = Summary.of(HistoryFile.pair(events), List.of(), report);
    assertThat(s.throughput().duringNemesis()).isNull();
    assertThat(s.throughput().outsideNemesis()).isEqualTo(1.0);
    assertThat(s.text()).contains("- during faults (0.0 s)").contains("Nemesis: none");
    assertThat(new ObjectMapper().readTree(s.json()).at("/throughput/duringNemesis").isNull())
        .isTrue();
  }
}
