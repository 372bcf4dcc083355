package io.pensieve.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histories of a simulated linearizable register: accepted as they are, rejected once lied. */
class RandomHistoryTest {
  /** The size the checker is sized for: 10 processes on 8 keys, a few hundred info ops. */
  private static final RandomHistories.Settings HUNDRED_THOUSAND =
      new RandomHistories.Settings(10, 8, 100_000, 0.003, 0.01, 0.2);

  private final LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofSeconds(20));

  @Test
  void randomValidHistoriesAreLinearizable() {
    for (long s = 1; s <= 200; s++) {
      long seed = s;
      List<Event> history = RandomHistories.generate(seed, RandomHistories.Settings.small(300));
      List<KeyResult> results = checker.check(HistoryFile.pair(history));
      assertThat(results).as("seed %d", seed).allSatisfy(r ->
          assertThat(r.verdict()).as("seed %d key %s: %s", seed, r.key(), r.anomaly())
              .isEqualTo(Verdict.LINEARIZABLE));
    }
  }

  @Test
  void oneReadOfANeverWrittenValueMakesThemNotLinearizable() {
    for (long s = 1; s <= 200; s++) {
      long seed = s;
      List<Event> history = RandomHistories.withBogusRead(
          RandomHistories.generate(seed, RandomHistories.Settings.small(300)), seed);
      List<KeyResult> results = checker.check(HistoryFile.pair(history));
      assertThat(results).as("seed %d", seed)
          .filteredOn(r -> r.verdict() == Verdict.NOT_LINEARIZABLE).singleElement()
          .satisfies(r -> {
            assertThat(r.anomaly().explanation())
                .isEqualTo("read of " + r.key() + " returned never-written, but never-written"
                    + " was never written");
            // the read and the few operations, if any, that pin down what the key held instead
            assertThat(r.anomaly().window()).hasSizeBetween(1, 5)
                .extracting(Operation::value).contains("never-written");
          });
      assertThat(results).filteredOn(r -> r.verdict() != Verdict.NOT_LINEARIZABLE)
          .allSatisfy(r -> assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE));
    }
  }

  @Test
  void generatedHistoriesHaveEveryOutcome() {
    List<Operation> ops = HistoryFile.pair(
        RandomHistories.generate(7, RandomHistories.Settings.small(2000)));
    assertThat(ops).extracting(Operation::outcome).contains(Outcome.values());
    assertThat(ops).anySatisfy(op -> assertThat(op.completeIndex()).isEqualTo(-1));
    assertThat(ops).anySatisfy(op -> assertThat(op.reportedTime()).isLessThan(Long.MAX_VALUE)
        .isNotEqualTo(op.completeTime()));
  }

  @Test
  void hundredThousandOperationsOnEightKeysAreChecked() {
    List<Event> history = RandomHistories.generate(42, HUNDRED_THOUSAND);
    long begin = System.nanoTime();
    CheckReport report = Checker.check(history, null, null, LinearizabilityChecker.DEFAULT_BUDGET);
    long millis = (System.nanoTime() - begin) / 1_000_000;
    long info = HistoryFile.pair(history).stream()
        .filter(op -> op.outcome() == Outcome.INFO).count();
    // measured, not asserted: it depends on the machine
    System.out.printf("checked %d operations (%d info) on %d keys in %d ms%n",
        report.operations(), info, report.keys().size(), millis);
    assertThat(report.operations()).isEqualTo(100_000);
    assertThat(info).isBetween(100L, 600L);
    assertThat(report.keys()).hasSize(8).allSatisfy(r ->
        assertThat(r.verdict()).as(r.key()).isEqualTo(Verdict.LINEARIZABLE));
    assertThat(report.valid()).isTrue();
  }

  @Test
  void hundredThousandOperationsWithOneStaleReadAreRejected() {
    List<Event> history = RandomHistories.withBogusRead(
        RandomHistories.generate(43, HUNDRED_THOUSAND), 43);
    long begin = System.nanoTime();
    List<KeyResult> results = new LinearizabilityChecker().check(HistoryFile.pair(history));
    System.out.printf("checked the mutated history in %d ms%n",
        (System.nanoTime() - begin) / 1_000_000);
    assertThat(results).filteredOn(r -> r.verdict() == Verdict.NOT_LINEARIZABLE).singleElement()
        .satisfies(r -> assertThat(r.anomaly().explanation()).contains("never-written"));
    assertThat(results).filteredOn(r -> r.verdict() != Verdict.NOT_LINEARIZABLE)
        .allSatisfy(r -> assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE));
    assertThat(history).anySatisfy(e -> assertThat(e.type()).isEqualTo(EventType.INFO));
  }
}
