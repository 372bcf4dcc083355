package io.pensieve.jepsen.checker;

import static io.pensieve.jepsen.checker.BankHistories.balances;
import static io.pensieve.jepsen.checker.BankHistories.bank;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.jepsen.checker.BankResult.BankAnomaly;
import io.pensieve.jepsen.checker.BankResult.Rule;
import io.pensieve.jepsen.checker.CheckReport.Validity;
import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.history.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BankCheckerTest {
  private static final EventType OK = EventType.OK;

  private static BankAnomaly only(BankResult result, Rule rule) {
    assertThat(result.violations()).containsOnlyKeys(rule);
    return result.anomalies().get(0);
  }

  @Test
  void aCleanHistoryIsValid() {
    BankResult result = bank(10, 10)
        .read(1, balances("a", 10, "b", 10), 1, 0, 1)
        .transfer(1, "t1", "a", "b", 3, 2, 3, OK)
        .transferCompareFailed(2, "t2", "a", "b", 9, 2, 4)
        .read(2, balances("a", 7, "b", 13), 2, 5, 6)
        .finalRead(9, balances("a", 7, "b", 13), List.of("t1"), 2, 10, 11)
        .check();
    assertThat(result.ok()).isTrue();
    assertThat(result.undecided()).isNull();
    assertThat(result.total()).isEqualTo(20);
    assertThat(result.transfers()).isEqualTo(2);
    assertThat(result.acknowledged()).isEqualTo(1);
    assertThat(result.reads()).isEqualTo(3);
    assertThat(result.finalReads()).isEqualTo(1);
  }

  @Test
  void aReadWhoseTotalChangedIsNamedWithItsTotal() {
    BankAnomaly anomaly = only(bank(10, 10)
        .read(3, balances("a", 7, "b", 10), 4, 0, 1)
        .check(), Rule.TOTAL_CHANGED);
    assertThat(anomaly.explanation()).isEqualTo("the read by p3 on n1 at index 4 (operation 1)"
        + " saw a total of 17, not 20: {a=7, b=10}");
    assertThat(anomaly.operations()).extracting(BankOperation::process).containsExactly(3);
  }

  @Test
  void aNegativeBalanceIsCaughtEvenWhenTheTotalHolds() {
    BankAnomaly anomaly = only(bank(10, 10)
        .read(3, balances("a", -2, "b", 22), 4, 0, 1)
        .check(), Rule.NEGATIVE_BALANCE);
    assertThat(anomaly.explanation()).endsWith("saw an account below zero: {a=-2}");
  }

  @Test
  void aReadMissingAnAccountOrSeeingANewOne() {
    BankResult result = bank(10, 10)
        .read(3, balances("a", 20), 4, 0, 1)
        .read(3, balances("a", 10, "b", 10, "c", 0), 4, 2, 3)
        .check();
    assertThat(result.violations()).containsEntry(Rule.ACCOUNTS_CHANGED, 2);
    assertThat(result.anomalies()).filteredOn(a -> a.rule() == Rule.ACCOUNTS_CHANGED)
        .extracting(BankAnomaly::explanation)
        .anySatisfy(e -> assertThat(e).endsWith("saw accounts [a], missing [b]"))
        .anySatisfy(e -> assertThat(e).endsWith("saw accounts [a, b, c], not set up [c]"));
  }

  @Test
  void aReadOfAnOlderStateThanOneBeforeItIsStale() {
    BankResult result = bank(10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, OK)
        .read(2, balances("a", 7, "b", 13), 2, 2, 3)
        .read(3, balances("a", 10, "b", 10), 1, 4, 5)
        // overlapping the read of index 2: it may come first
        .read(4, balances("a", 10, "b", 10), 1, 3, 6)
        .check();
    BankAnomaly anomaly = only(result, Rule.STALE_READ);
    assertThat(result.violations()).containsEntry(Rule.STALE_READ, 1);
    assertThat(anomaly.explanation()).startsWith("the read by p3 on n1 at index 1");
  }

  @Test
  void twoReadsOfOneIndexMustAgree() {
    BankAnomaly anomaly = only(bank(10, 10)
        .read(2, balances("a", 7, "b", 13), 2, 0, 1)
        .read(3, balances("a", 13, "b", 7), 2, 0, 2)
        .check(), Rule.SAME_INDEX_DIFFERENT_BALANCES);
    assertThat(anomaly.explanation()).endsWith(
        "saw different balances: {a=7, b=13} and {a=13, b=7}");
  }

  @Test
  void anAcknowledgedTransferWithoutItsMarkerIsLost() {
    BankResult result = bank(10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, OK)
        .finalRead(9, balances("a", 10, "b", 10), List.of(), 1, 5, 6)
        .check();
    BankAnomaly anomaly = only(result, Rule.ACKNOWLEDGED_TRANSFER_MISSING);
    assertThat(anomaly.explanation()).isEqualTo("transfer t1 (3 from a to b, p1 on n1) was"
        + " acknowledged, but the final read by p9 on n1 at index 1 (operation 2) has no marker"
        + " of it");
    assertThat(anomaly.operations()).extracting(BankOperation::kind)
        .containsExactly(BankOpKind.TRANSFER, BankOpKind.FINAL);
  }

  @Test
  void aFailedTransferMustNotBeApplied() {
    BankResult result = bank(10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, EventType.FAIL)
        .transferCompareFailed(2, "t2", "b", "a", 2, 0, 1)
        .finalRead(9, balances("a", 9, "b", 11), List.of("t1", "t2"), 3, 5, 6)
        .check();
    assertThat(result.violations()).containsOnlyKeys(Rule.FAILED_TRANSFER_APPLIED)
        .containsEntry(Rule.FAILED_TRANSFER_APPLIED, 2);
    assertThat(result.anomalies()).extracting(BankAnomaly::explanation)
        .anySatisfy(e -> assertThat(e).startsWith("transfer t1 (3 from a to b, p1 on n1)"
            + " failed (unavailable), yet the final read"))
        .anySatisfy(e -> assertThat(e).contains("failed (compare_failed)"));
  }

  @Test
  void aTransferOfUnknownOutcomeMayOrMayNotHaveApplied() {
    BankHistories applied = bank(10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, EventType.INFO)
        .transferNoReply(2, "t2", "b", "a", 1, 0);
    assertThat(applied.finalRead(9, balances("a", 8, "b", 12), List.of("t1", "t2"), 3, 5, 6)
        .check().ok()).isTrue();
    BankHistories notApplied = bank(10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, EventType.INFO)
        .transferNoReply(2, "t2", "b", "a", 1, 0);
    assertThat(notApplied.finalRead(9, balances("a", 10, "b", 10), List.of(), 1, 5, 6)
        .check().ok()).isTrue();
  }

  @Test
  void finalBalancesMustBeTheInitialOnesPlusTheMarkedTransfers() {
    // t2's marker is there but only half of it applied; the total still holds
    BankResult result = bank(10, 10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, OK)
        .transfer(2, "t2", "b", "c", 5, 0, 2, OK)
        .finalRead(9, balances("a", 7, "b", 13, "c", 10), List.of("t1", "t2"), 3, 5, 6)
        .check();
    BankAnomaly anomaly = only(result, Rule.FINAL_BALANCES_INCONSISTENT);
    assertThat(anomaly.explanation()).isEqualTo("the final read by p9 on n1 at index 3"
        + " (operation 3) has {b=13, c=10}, but the initial balances plus the 2 transfers whose"
        + " markers it holds give {b=8, c=15}");
  }

  @Test
  void aMarkerOfATransferNobodyInvokedIsFlagged() {
    BankAnomaly anomaly = only(bank(10, 10)
        .finalRead(9, balances("a", 10, "b", 10), List.of("t7"), 1, 5, 6)
        .check(), Rule.UNKNOWN_MARKER);
    assertThat(anomaly.explanation()).endsWith("has a marker of t7, a transfer nobody invoked");
  }

  @Test
  void withoutASetupOrAFinalReadTheVerdictIsUnknown() {
    BankCheckReport noFinal = Checker.checkBank(bank(10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, OK).events(), null);
    assertThat(noFinal.validity()).isEqualTo(Validity.UNKNOWN);
    assertThat(noFinal.bank().undecided()).startsWith("no final read completed ok");
    BankCheckReport noSetup = Checker.checkBank(bank(10, 10).events().subList(0, 1), null);
    assertThat(noSetup.validity()).isEqualTo(Validity.UNKNOWN);
    assertThat(noSetup.bank().undecided()).startsWith("no setup completed ok");
  }

  @Test
  void nodesThatDifferMakeTheRunInvalid() {
    BankHistories clean = bank(10, 10)
        .finalRead(9, balances("a", 10, "b", 10), List.of(), 1, 5, 6);
    assertThat(Checker.checkBank(clean.events(), Map.of("n1", new NodeDigest("d", 1),
        "n2", new NodeDigest("d", 1))).validity()).isEqualTo(Validity.VALID);
    BankCheckReport apart = Checker.checkBank(clean.events(), Map.of(
        "n1", new NodeDigest("d", 1), "n2", new NodeDigest("e", 1)));
    assertThat(apart.validity()).isEqualTo(Validity.INVALID);
    assertThat(apart.bank().ok()).isTrue();
  }

  @Test
  void historiesThatBreakTheContractAreRefused() {
    assertThatThrownBy(() -> bank(10, 10)
        .transfer(1, "t1", "a", "b", 3, 0, 1, OK)
        .transfer(1, "t1", "b", "a", 3, 2, 3, OK).check())
        .isInstanceOf(MalformedHistoryException.class).hasMessageContaining("t1 used twice");
    assertThatThrownBy(() -> bank(10, 10)
        .read(1, balances("a", 10, "b", 10), 1, -1, 1).check())
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessageContaining("began before the setup");
    assertThatThrownBy(() -> bank(10, 10)
        .transfer(1, "t1", "a", "a", 3, 0, 1, OK).check())
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessageContaining("two accounts and a positive amount");
  }

  @Test
  void onlyTheFirstViolationsOfARuleAreExplainedButAllAreCounted() {
    BankHistories h = bank(10, 10);
    for (int i = 0; i < 25; i++) {
      h.read(1, balances("a", 10, "b", 9), 1, 2L * i, 2L * i + 1);
    }
    BankResult result = h.check();
    assertThat(result.violations()).containsEntry(Rule.TOTAL_CHANGED, 25);
    assertThat(result.anomalies()).hasSize(BankChecker.EXAMPLES_PER_RULE);
  }

  @Test
  @Timeout(60)
  void aLongHistoryIsCheckedInOnePass() {
    // 100,000 operations of 16 clients over 5 accounts, applied in a sequence that respects
    // their times; the checker must accept it well within the timeout
    Random random = new Random(42);
    long[] accounts = {100, 100, 100, 100, 100};
    BankHistories h = bank(accounts.clone());
    List<String> markers = new ArrayList<>();
    long index = 1;
    for (int i = 0; i < 100_000; i++) {
      int process = i % 16;
      long time = 10L * i;
      if (random.nextBoolean()) {
        Map<String, Long> seen = new TreeMap<>();
        for (int a = 0; a < accounts.length; a++) {
          seen.put(String.valueOf((char) ('a' + a)), accounts[a]);
        }
        h.read(process, seen, index, time, time + 5);
      } else {
        int from = random.nextInt(5);
        int to = (from + 1 + random.nextInt(4)) % 5;
        long amount = Math.min(accounts[from], 1 + random.nextInt(5));
        String id = "t" + i;
        if (amount == 0 || random.nextInt(10) == 0) {
          h.transferCompareFailed(process, id, name(from), name(to), 1, time, time + 5);
          continue;
        }
        accounts[from] -= amount;
        accounts[to] += amount;
        index++;
        markers.add(id);
        h.transfer(process, id, name(from), name(to), amount, time, time + 5, OK);
      }
    }
    Map<String, Long> finals = new TreeMap<>();
    for (int a = 0; a < accounts.length; a++) {
      finals.put(name(a), accounts[a]);
    }
    h.finalRead(999, finals, markers, index, 10L * 100_000, 10L * 100_000 + 5);
    List<BankEvent> events = h.events();
    BankCheckReport report = Checker.checkBank(events, null);
    assertThat(report.bank().anomalies()).isEmpty();
    assertThat(report.validity()).isEqualTo(Validity.VALID);
    assertThat(report.operations()).isEqualTo(100_002);
    assertThat(Duration.ofMillis(report.checkerMillis())).isLessThan(Duration.ofSeconds(30));
  }

  private static String name(int account) {
    return String.valueOf((char) ('a' + account));
  }
}
