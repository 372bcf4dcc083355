package io.pensieve.jepsen.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.BankHistory;
import io.pensieve.jepsen.checker.BankOperation;
import io.pensieve.jepsen.checker.BankResult;
import io.pensieve.jepsen.checker.BankResult.BankAnomaly;
import io.pensieve.jepsen.checker.BankResult.Rule;
import io.pensieve.jepsen.checker.CheckReport.Validity;
import io.pensieve.jepsen.checker.Checker;
import io.pensieve.jepsen.checker.Outcome;
import io.pensieve.jepsen.client.Accounts;
import io.pensieve.jepsen.client.BankClient;
import io.pensieve.jepsen.client.Transfer;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.history.HistoryRecorder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bank workload's generator against in-memory stores: a correct one under random
 * concurrent schedules with every kind of client fault, which the checker must accept, and one
 * store per planted bug, which it must catch and name.
 */
class BankWorkloadTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int CLIENTS = 8;

  @TempDir
  Path dir;
  /** The history of the last {@link #run}. */
  private Path lastHistory;

  /** Runs the workload until the store has applied {@code transfers} transfers. */
  private BankCheckReport run(InMemoryBank bank, long seed, double faultRate, int transfers,
      int accounts, long initialBalance) throws IOException, InterruptedException {
    Path file = dir.resolve("history-" + seed + ".jsonl");
    BankWorkload.Config config = new BankWorkload.Config(CLIENTS, accounts, initialBalance, 5,
        0.3, 1_000_000, seed, Duration.ofSeconds(5));
    try (HistoryRecorder history = new HistoryRecorder(file, System.nanoTime())) {
      BankWorkload workload = new BankWorkload(history, config,
          slot -> new InMemoryBankClient(bank, "n" + (slot % 3 + 1), seed * 31 + slot,
              faultRate));
      workload.setup(new InMemoryBankClient(bank, "n1", seed, 0));
      workload.start();
      await().atMost(DEADLINE).until(() -> bank.appliedIndex() > transfers);
      workload.stop();
      workload.finalReads(IntStream.rangeClosed(1, 3)
          .<BankClient>mapToObj(n -> new InMemoryBankClient(bank, "n" + n, seed, 0)).toList());
    }
    lastHistory = file;
    return Checker.checkBank(BankHistory.read(file), null);
  }

  private BankCheckReport run(InMemoryBank bank, long seed) throws Exception {
    return run(bank, seed, 0, 200, 5, 100);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void aCorrectBankUnderFaultsIsValid(long seed) throws Exception {
    BankCheckReport report = run(new InMemoryBank(), seed, 0.05, 2_000, 5, 100);
    BankResult bank = report.bank();
    assertThat(bank.anomalies()).isEmpty();
    assertThat(report.validity()).isEqualTo(Validity.VALID);
    assertThat(bank.total()).isEqualTo(500);
    assertThat(bank.finalReads()).isEqualTo(3);
    assertThat(bank.acknowledged()).isGreaterThanOrEqualTo(1_000);
    // failures, compare failures and unknown outcomes all happened, and the unknown ones
    // ended both ways: some applied (their markers are there), some never
    List<BankOperation> ops = BankHistory.pair(BankHistory.read(lastHistory));
    Set<String> marked = Set.copyOf(ops.get(ops.size() - 1).markers());
    Map<Boolean, Long> unknown = ops.stream()
        .filter(op -> op.kind() == BankOpKind.TRANSFER && op.outcome() == Outcome.INFO)
        .collect(Collectors.partitioningBy(op -> marked.contains(op.transfer()),
            Collectors.counting()));
    assertThat(unknown.get(true)).isPositive();
    assertThat(unknown.get(false)).isPositive();
    assertThat(ops).filteredOn(op -> op.outcome() == Outcome.COMPARE_FAILED).isNotEmpty();
    assertThat(ops).filteredOn(op -> op.outcome() == Outcome.FAIL).isNotEmpty();
  }

  @Test
  void aCorrectBankWithFewDollarsNeverGoesNegative() throws Exception {
    // two of each: most transfers empty an account, and many race for the same one
    BankCheckReport report = run(new InMemoryBank(), 11, 0.05, 1_000, 3, 2);
    assertThat(report.bank().anomalies()).isEmpty();
    assertThat(report.valid()).isTrue();
  }

  @Test
  void plantedNonAtomicTransferThatAppliesOneSideIsCaught() throws Exception {
    PlantedBugs.NonAtomicTransfer bank = new PlantedBugs.NonAtomicTransfer(20);
    BankCheckReport report = run(bank, 6);
    Transfer broken = bank.broken();
    assertThat(report.validity()).isEqualTo(Validity.INVALID);
    assertThat(report.bank().violations())
        .containsKeys(Rule.TOTAL_CHANGED, Rule.FINAL_BALANCES_INCONSISTENT)
        .doesNotContainKeys(Rule.ACKNOWLEDGED_TRANSFER_MISSING, Rule.NEGATIVE_BALANCE);
    assertThat(anomaly(report, Rule.TOTAL_CHANGED).explanation())
        .contains("saw a total of " + (500 - broken.amount()) + ", not 500");
    assertThat(anomaly(report, Rule.FINAL_BALANCES_INCONSISTENT).explanation())
        .contains(broken.to() + "=");
  }

  @Test
  void plantedLostAcknowledgedTransferIsCaught() throws Exception {
    PlantedBugs.LostAcknowledgedTransfer bank = new PlantedBugs.LostAcknowledgedTransfer(20);
    BankCheckReport report = run(bank, 7);
    Transfer lost = bank.broken();
    assertThat(report.validity()).isEqualTo(Validity.INVALID);
    // nothing of it applied: every total is right, only its marker tells
    assertThat(report.bank().violations()).containsOnlyKeys(Rule.ACKNOWLEDGED_TRANSFER_MISSING)
        .containsEntry(Rule.ACKNOWLEDGED_TRANSFER_MISSING, 3); // one per final read
    assertThat(anomaly(report, Rule.ACKNOWLEDGED_TRANSFER_MISSING).explanation())
        .startsWith("transfer " + lost.id() + " (" + lost.amount() + " from " + lost.from()
            + " to " + lost.to())
        .contains("was acknowledged, but the final read by p1000000 on n1");
  }

  @Test
  void plantedTornReadIsCaught() throws Exception {
    PlantedBugs.TornRead bank = new PlantedBugs.TornRead(30);
    BankCheckReport report = run(bank, 8);
    Accounts torn = bank.torn();
    assertThat(report.validity()).isEqualTo(Validity.INVALID);
    assertThat(report.bank().violations()).containsEntry(Rule.TOTAL_CHANGED, 1)
        .doesNotContainKeys(Rule.ACKNOWLEDGED_TRANSFER_MISSING,
            Rule.FINAL_BALANCES_INCONSISTENT);
    BankAnomaly anomaly = anomaly(report, Rule.TOTAL_CHANGED);
    assertThat(anomaly.operations()).singleElement()
        .satisfies(read -> assertThat(read.balances()).isEqualTo(torn.balances()));
    assertThat(anomaly.explanation()).contains("at index " + torn.appliedIndex());
  }

  @Test
  void plantedFailedTransferThatAppliedIsCaught() throws Exception {
    PlantedBugs.FailedButApplied bank = new PlantedBugs.FailedButApplied(20);
    BankCheckReport report = run(bank, 9);
    assertThat(report.bank().violations()).containsOnlyKeys(Rule.FAILED_TRANSFER_APPLIED);
    assertThat(anomaly(report, Rule.FAILED_TRANSFER_APPLIED).explanation())
        .startsWith("transfer " + bank.broken().id() + " (")
        .contains("failed (unavailable), yet the final read");
  }

  @Test
  void plantedTransferThatIgnoresVersionsOverdraws() throws Exception {
    PlantedBugs.IgnoresVersions bank = new PlantedBugs.IgnoresVersions();
    Path file = dir.resolve("overdraft.jsonl");
    try (HistoryRecorder history = new HistoryRecorder(file, System.nanoTime())) {
      BankWorkload.Config config = new BankWorkload.Config(2, 2, 3, 5, 0, 1, 1,
          Duration.ofSeconds(1));
      new BankWorkload(history, config, slot -> null).setup(client(bank));
      RecordingBankClient alice = new RecordingBankClient(client(bank), history, 0, 2);
      RecordingBankClient bob = new RecordingBankClient(client(bank), history, 1, 2);
      // both see 3 in bank/0 and each moves all of it: the second must fail its compare
      Accounts seenByAlice = alice.readAccounts().orElseThrow();
      Accounts seenByBob = bob.readAccounts().orElseThrow();
      alice.transfer(new Transfer("t0-1", "bank/0", "bank/1", 3), seenByAlice);
      bob.transfer(new Transfer("t1-1", "bank/0", "bank/1", 3), seenByBob);
      alice.readAccounts();
      new BankWorkload(history, config, slot -> null).finalReads(List.of(client(bank)));
    }
    BankCheckReport report = Checker.checkBank(BankHistory.read(file), null);
    // moves applied as deltas: the total holds and the markers agree; only the sign tells
    assertThat(report.bank().violations()).containsOnlyKeys(Rule.NEGATIVE_BALANCE)
        .containsEntry(Rule.NEGATIVE_BALANCE, 2); // the last read and the final read
    assertThat(anomaly(report, Rule.NEGATIVE_BALANCE).explanation())
        .isEqualTo("the read by p0 on n1 at index 3 (operation 5) saw an account below zero:"
            + " {bank/0=-3}");
  }

  @Test
  void plantedStaleReplicaReadIsCaught() throws Exception {
    PlantedBugs.StaleReplica bank = new PlantedBugs.StaleReplica();
    Path file = dir.resolve("stale.jsonl");
    try (HistoryRecorder history = new HistoryRecorder(file, System.nanoTime())) {
      BankWorkload.Config config = new BankWorkload.Config(2, 2, 10, 5, 0, 1, 1,
          Duration.ofSeconds(1));
      new BankWorkload(history, config, slot -> null).setup(client(bank));
      RecordingBankClient alice = new RecordingBankClient(client(bank), history, 0, 2);
      Accounts basis = alice.readAccounts().orElseThrow();
      alice.transfer(new Transfer("t0-1", "bank/0", "bank/1", 4), basis);
      alice.readAccounts(); // index 2
      bank.lag();
      alice.readAccounts(); // index 1 again, though the read before it saw 2
    }
    BankCheckReport report = Checker.checkBank(BankHistory.read(file), null);
    assertThat(report.bank().violations()).containsOnlyKeys(Rule.STALE_READ);
    assertThat(anomaly(report, Rule.STALE_READ).explanation()).isEqualTo(
        "the read by p0 on n1 at index 1 (operation 4) reflects an older state than the read by"
            + " p0 on n1 at index 2 (operation 3), which completed before it began");
    // no final read: whether acknowledged transfers were kept is not known
    assertThat(report.bank().undecided()).contains("no final read");
  }

  private static InMemoryBankClient client(InMemoryBank bank) {
    return new InMemoryBankClient(bank, "n1", 0, 0);
  }

  private static BankAnomaly anomaly(BankCheckReport report, Rule rule) {
    return report.bank().anomalies().stream().filter(a -> a.rule() == rule).findFirst()
        .orElseThrow(() -> new AssertionError("no " + rule + " in " + report.bank()));
  }
}
