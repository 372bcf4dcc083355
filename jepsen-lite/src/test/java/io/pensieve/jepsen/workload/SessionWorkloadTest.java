package io.pensieve.jepsen.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.jepsen.checker.CheckReport.Validity;
import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.checker.SessionChecker;
import io.pensieve.jepsen.checker.SessionResult;
import io.pensieve.jepsen.checker.SessionResult.Rule;
import io.pensieve.jepsen.checker.SessionResult.SessionAnomaly;
import io.pensieve.jepsen.client.SessionClient;
import io.pensieve.jepsen.history.HistoryRecorder;
import io.pensieve.jepsen.history.SessionEvent;
import io.pensieve.jepsen.workload.InMemoryLeases.Bug;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sessions workload against in-memory leases, with TTLs of a few hundred milliseconds: a
 * correct store, with and without client faults, which the checker must accept; and one store
 * per planted bug, which it must catch under the rule that names it.
 */
class SessionWorkloadTest {
  private static final int CLIENTS = 4;
  private static final SessionChecker.Settings SETTINGS = new SessionChecker.Settings(
      Duration.ofMillis(10), Duration.ofMillis(300));

  @TempDir
  Path dir;

  /** Runs the workload until {@code sessions} leases were granted, then the final reads. */
  private SessionResult run(Bug bug, long seed, double faultRate, int sessions)
      throws Exception {
    InMemoryLeases leases = new InMemoryLeases(bug);
    Path file = dir.resolve("history-" + bug + "-" + seed + ".jsonl");
    SessionWorkload.Config config = new SessionWorkload.Config(CLIENTS, 3,
        Duration.ofMillis(200), Duration.ofMillis(400), 0.5, SETTINGS.expirySlack(), seed,
        Duration.ofSeconds(5));
    try (HistoryRecorder history = new HistoryRecorder(file, System.nanoTime())) {
      SessionWorkload workload = new SessionWorkload(history, config,
          slot -> new InMemorySessionClient(leases, "n" + (slot % 3 + 1), seed * 31 + slot,
              faultRate));
      workload.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> leases.granted() >= sessions);
      workload.stop();
      workload.finalReads(IntStream.rangeClosed(1, 3).<SessionClient>mapToObj(
          n -> new InMemorySessionClient(leases, "n" + n, seed, 0)).toList());
    }
    List<SessionEvent> events = HistoryFile.readSessions(file);
    return SessionChecker.check(events, List.of(), SETTINGS);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.05})
  void correctLeasesAreValid(double faultRate) throws Exception {
    SessionResult result = run(Bug.NONE, 7, faultRate, 40);

    assertThat(result.anomalies()).isEmpty();
    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.finalReads()).isEqualTo(3);
    assertThat(result.endings()).containsKeys("revoked", "deleted", "abandoned");
    assertThat(result.earlyExpiryReads()).isPositive();
    assertThat(result.weakenedReads()).isZero();
  }

  @Test
  void aLeaseThatExpiresEarlyIsCaught() throws Exception {
    assertCaught(run(Bug.EARLY_EXPIRY, 1, 0, 30), Rule.EARLY_EXPIRY);
  }

  @Test
  void aRevokeThatDeletesOnlySomeKeysIsCaught() throws Exception {
    SessionResult result = run(Bug.PARTIAL_REVOKE, 2, 0, 30);
    assertCaught(result, Rule.REMOVED_KEYS_SEEN);
    assertThat(result.violations()).containsKey(Rule.PARTIAL_SESSION);
  }

  @Test
  void aLostDeleteRangeIsCaught() throws Exception {
    assertCaught(run(Bug.LOST_DELETE_RANGE, 3, 0, 30), Rule.REMOVED_KEYS_SEEN);
  }

  @Test
  void aLeaseNeverExpiredIsCaught() throws Exception {
    assertCaught(run(Bug.NEVER_EXPIRES, 4, 0, 30), Rule.NOT_EXPIRED);
  }

  private static void assertCaught(SessionResult result, Rule rule) {
    assertThat(result.validity()).isEqualTo(Validity.INVALID);
    assertThat(result.violations()).containsKey(rule);
    SessionAnomaly anomaly = result.anomalies().stream().filter(a -> a.rule() == rule)
        .findFirst().orElseThrow();
    assertThat(anomaly.explanation()).startsWith("session " + anomaly.session() + ": ")
        .contains("process");
    assertThat(anomaly.operations()).isNotEmpty();
  }
}
