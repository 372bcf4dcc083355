package io.pensieve.jepsen.checker;

import static io.pensieve.jepsen.checker.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.OpKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
  private final LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofSeconds(10));

  private KeyResult check(Histories h) {
    List<KeyResult> results = checker.check(h.operations());
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private static List<String> described(Anomaly anomaly) {
    return anomaly.window().stream().map(Operation::describe).toList();
  }

  // ---- accepted

  @Test
  void sequentialHistoryIsLinearizable() {
    KeyResult result = check(history()
        .read(1, "k", null, 0, 1)
        .write(1, "k", "a", 2, 3)
        .read(2, "k", "a", 4, 5)
        .write(2, "k", "b", 6, 7)
        .cas(1, "k", "b", "c", 8, 9)
        .read(3, "k", "c", 10, 11));
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(result.operations()).isEqualTo(6);
    assertThat(result.anomaly()).isNull();
  }

  @Test
  void overlappingWritesAndReadsMayTakeEffectInAnyOrderTheirCallsAllow() {
    // b, though invoked after a, takes effect first: both reads say so
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 10)
        .write(2, "k", "b", 2, 8)
        .read(3, "k", "b", 3, 9)
        .read(4, "k", "a", 5, 12)
        .read(3, "k", "a", 13, 14));
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void casSucceedsOnItsExpectedValueAndFailsToCompareOnAnother() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .cas(2, "k", "a", "b", 2, 3)
        .casCompareFailed(3, "k", "a", "c", 4, 5)
        .cas(1, "k", null, "d", 6, 7, EventType.FAIL, "compare_failed")
        .read(2, "k", "b", 8, 9));
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void infoWriteObservedLaterTookEffect() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3, EventType.INFO)
        .read(3, "k", "a", 4, 5)
        .read(3, "k", "b", 20, 21)
        .read(4, "k", "b", 22, 23));
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void infoWriteNeverObservedNeverTookEffect() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3, EventType.INFO)
        .writeNoReply(5, "k", "c", 2)
        .read(3, "k", "a", 4, 5)
        .read(3, "k", "a", 20, 21));
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void failedWriteNeverObservedIsFine() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3, EventType.FAIL)
        .read(3, "k", "a", 4, 5));
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void keysAreCheckedApart() {
    List<KeyResult> results = checker.check(history()
        .write(1, "x", "a", 0, 1)
        .write(2, "y", "b", 0, 1)
        .read(1, "x", "a", 2, 3)
        .read(2, "y", "a", 2, 3)
        .operations());
    assertThat(results).extracting(KeyResult::key).containsExactly("x", "y");
    assertThat(results).extracting(KeyResult::verdict)
        .containsExactly(Verdict.LINEARIZABLE, Verdict.NOT_LINEARIZABLE);
  }

  // ---- rejected

  @Test
  void staleReadIsCaughtWithTheWritesThatMakeItStale() {
    KeyResult result = check(history()
        .write(1, "k", "p1-1", 0, 1)
        .read(2, "k", "p1-1", 2, 3)
        .write(1, "k", "p1-2", 4, 5)
        .write(3, "k", "p3-3", 6, 7)
        .read(2, "k", "p3-3", 8, 9)
        .write(4, "k", "p4-4", 10, 11)
        .read(2, "k", "p3-3", 12, 13)
        .read(5, "k", "p4-4", 14, 15));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    Anomaly anomaly = result.anomaly();
    assertThat(anomaly.stuck().describe()).isEqualTo("p2 read k = p3-3 (ok)");
    assertThat(anomaly.explanation()).isEqualTo("read of k returned p3-3 but p4-4 was written"
        + " and acknowledged before the read began (after p3-3 was)");
    // only what proves it: p3-3 was written before p4-4 began (so it cannot come after it)
    // and drops out of a window that starts there; what is left is an acknowledged write of
    // p4-4 followed by a read of something else, whatever the key held before
    assertThat(described(anomaly)).containsExactly("p4 write k p4-4 (ok)", "p2 read k = p3-3 (ok)");
    assertThat(anomaly.fromStart()).isFalse();
    assertThat(anomaly.relaxed()).isEmpty();
  }

  @Test
  void lostAcknowledgedWriteIsCaughtByAFinalRead() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3)
        .write(3, "k", "c", 2, 4)
        .read(1, "k", "c", 5, 6)
        .write(2, "k", "d", 7, 8)
        // the final read, after healing
        .read(9, "k", "c", 100, 101));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.anomaly().explanation()).isEqualTo("read of k returned c but d was"
        + " written and acknowledged before the read began (after c was)");
    assertThat(described(result.anomaly())).containsExactly(
        "p2 write k d (ok)", "p9 read k = c (ok)");
  }

  @Test
  void casWhoseExpectedValueWasNeverThereIsCaught() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .cas(2, "k", "x", "y", 2, 3)
        .read(1, "k", "y", 4, 5));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.anomaly().explanation())
        .isEqualTo("cas of k from x to y succeeded, but x was never written");
    // from the start of the history, where the key is absent, the cas alone cannot succeed
    assertThat(described(result.anomaly())).containsExactly("p2 cas k x->y (ok)");
    assertThat(result.anomaly().fromStart()).isTrue();
  }

  @Test
  void casFromAStaleValueIsCaught() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .write(1, "k", "b", 2, 3)
        .cas(2, "k", "a", "c", 4, 5));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.anomaly().explanation()).isEqualTo("cas of k from a to c succeeded but b"
        + " was written and acknowledged before the cas began (after a was)");
  }

  @Test
  void compareFailureOnTheValueTheKeyHeldIsCaught() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .read(3, "k", "a", 1, 2)
        .casCompareFailed(2, "k", "a", "b", 3, 4)
        .read(3, "k", "a", 5, 6));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.anomaly().explanation()).isEqualTo("cas of k expecting a failed to"
        + " compare, but k held a throughout the call: it was written and acknowledged before"
        + " (p1 write k a (ok)) and nothing else was written since");
  }

  @Test
  void readOfAValueOnlyAFailedWriteWroteIsCaught() {
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3, EventType.FAIL)
        .read(3, "k", "b", 4, 5));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.anomaly().explanation()).isEqualTo("read of k returned b, but only a"
        + " failed write wrote b (p2 write k b (fail))");
    assertThat(result.anomaly().stuck().kind()).isEqualTo(OpKind.READ);
  }

  @Test
  void anInfoWriteMustCountAsAppliedToExplainALaterRead() {
    // c is read after a and b were acknowledged: only the unacknowledged write explains it
    KeyResult withInfo = check(infoOrFail(EventType.INFO));
    assertThat(withInfo.verdict()).isEqualTo(Verdict.LINEARIZABLE);

    KeyResult withFail = check(infoOrFail(EventType.FAIL));
    assertThat(withFail.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(withFail.anomaly().explanation())
        .isEqualTo("read of k returned c, but only a failed write wrote c (p3 write k c (fail))");
  }

  private static Histories infoOrFail(EventType outcome) {
    return history()
        .write(1, "k", "a", 0, 1)
        .write(3, "k", "c", 2, 3, outcome)
        .write(2, "k", "b", 4, 5)
        .read(1, "k", "b", 6, 7)
        .read(2, "k", "c", 8, 9);
  }

  @Test
  void windowCutFromTheMiddleKeepsWritersItCutsAsInfo() {
    // b's write straddles the window's start and explains the read of b
    KeyResult result = check(history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 20)
        .write(3, "k", "c", 3, 4)
        .read(4, "k", "c", 5, 6)
        .read(4, "k", "b", 7, 8)
        .read(5, "k", "c", 9, 10));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    Anomaly anomaly = result.anomaly();
    // c seen after b: only possible if c came after b; but b was seen after c
    assertThat(anomaly.stuck().describe()).isEqualTo("p5 read k = c (ok)");
    assertThat(described(anomaly)).contains("p4 read k = b (ok)", "p5 read k = c (ok)");
  }

  @Test
  void tooSmallABudgetYieldsUnknownNotAWrongAnswer() {
    // twenty unacknowledged writes and twenty concurrent reads, one of each value: every order
    // of them works until the two later reads, which no order satisfies
    Histories h = history();
    int n = 20;
    for (int i = 0; i < n; i++) {
      h.writeNoReply(100 + i, "k", "v" + i, 0);
      h.read(i, "k", "v" + i, 1, 100);
    }
    h.read(0, "k", "v0", 200, 300).read(1, "k", "v1", 400, 500).read(0, "k", "v0", 600, 700);
    LinearizabilityChecker hurried =
        new LinearizabilityChecker(Duration.ofMillis(50), 1, 10_000_000);
    KeyResult result = hurried.check(h.operations()).get(0);
    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.detail()).contains("time budget");
    assertThat(result.anomaly()).isNull();

    LinearizabilityChecker small = new LinearizabilityChecker(Duration.ofMinutes(1), 1, 10_000);
    assertThat(small.check(h.operations()).get(0).verdict()).isEqualTo(Verdict.UNKNOWN);
  }
}
