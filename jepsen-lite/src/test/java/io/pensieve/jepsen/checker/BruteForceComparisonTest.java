package io.pensieve.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.history.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The search against {@link BruteForce} on many small random histories, valid or not: the same
 * verdict every time, and every anomaly's window a proof on its own.
 */
class BruteForceComparisonTest {
  private static final String[] VALUES = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};

  private final LinearizabilityChecker checker =
      new LinearizabilityChecker(Duration.ofSeconds(10), 1, 1_000_000);

  @Test
  void searchAgreesWithBruteForce() {
    int rejected = 0;
    for (long seed = 0; seed < 4000; seed++) {
      List<Operation> ops = randomHistory(new Random(seed)).operations();
      boolean expected = BruteForce.linearizable(ops, true);
      KeyResult result = checker.checkKey("k", ops);
      assertThat(result.verdict()).as("seed %d: %s", seed, describe(ops))
          .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
      if (!expected) {
        rejected++;
        Anomaly anomaly = result.anomaly();
        assertThat(windowLinearizable(anomaly))
            .as("seed %d window %s of %s", seed, anomaly, describe(ops)).isFalse();
      }
    }
    // both kinds are well represented
    assertThat(rejected).isBetween(800, 3200);
  }

  /** The window as the finder checked it: its relaxed writers as info. */
  private static boolean windowLinearizable(Anomaly anomaly) {
    List<Operation> window = anomaly.window().stream()
        .map(op -> anomaly.relaxed().contains(op.id())
            ? new Operation(op.id(), op.process(), op.kind(), op.key(), op.value(), op.expected(),
                Outcome.INFO, op.invokeTime(), Long.MAX_VALUE, op.reportedTime(), op.node(),
                op.api(), op.error(), op.invokeIndex(), op.completeIndex())
            : op)
        .toList();
    return BruteForce.linearizable(window, anomaly.fromStart());
  }

  private static Histories randomHistory(Random random) {
    Histories h = Histories.history();
    int n = 2 + random.nextInt(6);
    int written = 0;
    long[] free = new long[3]; // when each process may invoke again
    for (int i = 0; i < n; i++) {
      int p = random.nextInt(free.length);
      long invoke = free[p] + random.nextInt(4);
      long complete = invoke + 1 + random.nextInt(6);
      free[p] = complete + 1;
      int kind = random.nextInt(10);
      // what a read returned or a cas expected: absent, or any value written so far or next
      String seen = random.nextInt(5) == 0 ? null : VALUES[random.nextInt(written + 1)];
      if (kind < 4) {
        h.read(p, "k", seen, invoke, complete);
        continue;
      }
      String value = VALUES[written++];
      EventType outcome = outcome(random);
      if (kind < 8) {
        if (outcome == null) {
          h.writeNoReply(p + 10 * (i + 1), "k", value, invoke);
        } else {
          h.write(p, "k", value, invoke, complete, outcome);
        }
      } else if (outcome == EventType.FAIL && random.nextBoolean()) {
        h.casCompareFailed(p, "k", seen, value, invoke, complete);
      } else {
        h.cas(p, "k", seen, value, invoke, complete, outcome == null ? EventType.INFO : outcome,
            outcome == EventType.FAIL ? "unavailable" : null);
      }
    }
    return h;
  }

  /** ok mostly; fail, info, or no reply (null) now and then. */
  private static EventType outcome(Random random) {
    int roll = random.nextInt(10);
    return roll < 6 ? EventType.OK : roll < 7 ? EventType.FAIL : roll < 9 ? EventType.INFO : null;
  }

  private static String describe(List<Operation> ops) {
    StringBuilder s = new StringBuilder();
    for (Operation op : ops) {
      s.append("\n  ").append(op.describe()).append(" [").append(op.invokeTime()).append(", ")
          .append(op.completeTime() == Long.MAX_VALUE ? "-" : op.completeTime()).append("]");
    }
    return s.toString();
  }
}
