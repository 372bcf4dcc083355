package io.pensieve.jepsen.checker;

import static io.pensieve.jepsen.checker.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.history.EventType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LostWriteCheckerTest {
  private static Map<String, String> finals(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  @Test
  void overwrittenWritesAreNotLost() {
    List<Operation> ops = history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 10)
        .write(3, "k", "c", 3, 4) // overwritten by b, still in flight when c was invoked
        .cas(1, "k", "b", "d", 11, 12)
        .operations();
    LostWriteResult result = LostWriteChecker.check(ops, finals("k", "d"));
    assertThat(result.ok()).isTrue();
    assertThat(result.keys()).isEqualTo(1);
    assertThat(result.acknowledgedWrites()).isEqualTo(4);
  }

  @Test
  void anAcknowledgedWriteNothingCouldFollowIsLost() {
    List<Operation> ops = history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3)
        .write(3, "k", "c", 4, 5)
        .operations();
    LostWriteResult result = LostWriteChecker.check(ops, finals("k", "b"));
    assertThat(result.ok()).isFalse();
    assertThat(result.lost()).singleElement().satisfies(l -> {
      assertThat(l.write().value()).isEqualTo("c");
      assertThat(l.finalValue()).isEqualTo("b");
      assertThat(l.explanation()).isEqualTo("write of c to k was acknowledged, but k ended as b"
          + " and no other write could have come after it");
    });
  }

  @Test
  void anInfoWriteMayHaveOverwrittenIt() {
    List<Operation> ops = history()
        .write(1, "k", "a", 0, 1)
        .writeNoReply(2, "k", "b", 0)
        .write(3, "k", "c", 4, 5)
        .operations();
    // b may have landed after c, and a before; either way nothing acknowledged is lost
    assertThat(LostWriteChecker.check(ops, finals("k", "b")).ok()).isTrue();
  }

  @Test
  void aFailedWriteOverwritesNothing() {
    List<Operation> ops = history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3, EventType.FAIL)
        .operations();
    LostWriteResult result = LostWriteChecker.check(ops, finals("k", null));
    assertThat(result.lost()).extracting(l -> l.write().value()).containsExactly("a");
    assertThat(result.lost().get(0).explanation()).contains("k ended absent");
  }

  @Test
  void aFinalValueNobodyWroteIsFlagged() {
    List<Operation> ops = history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3, EventType.FAIL)
        .write(4, "j", "x", 0, 1)
        .operations();
    LostWriteResult result = LostWriteChecker.check(ops, finals("k", "b", "j", "x", "z", "q"));
    assertThat(result.unwritten()).extracting(LostWriteResult.UnwrittenValue::key)
        .containsExactly("k", "z");
    assertThat(result.unwritten().get(0).failedWriters()).extracting(Operation::value)
        .containsExactly("b");
    // a was acknowledged and then lost to a value nobody wrote
    assertThat(result.lost()).extracting(l -> l.write().value()).containsExactly("a");
  }

  @Test
  void keysWithoutAFinalValueAreNotChecked() {
    List<Operation> ops = history().write(1, "k", "a", 0, 1).write(1, "k", "b", 2, 3)
        .operations();
    LostWriteResult result = LostWriteChecker.check(ops, Map.of());
    assertThat(result.ok()).isTrue();
    assertThat(result.keys()).isZero();
  }

  @Test
  void linearizabilityCheckerAgreesOnTheSameLoss() {
    Histories h = history()
        .write(1, "k", "a", 0, 1)
        .write(2, "k", "b", 2, 3)
        .write(3, "k", "c", 4, 5);
    assertThat(LostWriteChecker.check(h.operations(), finals("k", "b")).lost()).hasSize(1);
    h.read(9, "k", "b", 100, 101); // the final read, in the history
    KeyResult key = new LinearizabilityChecker().check(h.operations()).get(0);
    assertThat(key.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(key.anomaly().explanation()).isEqualTo("read of k returned b but c was written"
        + " and acknowledged before the read began (after b was)");
  }
}
