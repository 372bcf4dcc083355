package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.OpKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Acknowledged writes against the values the keys ended with (read after the cluster healed).
 *
 * <p>A write or cas acknowledged ok whose value is not the key's final value must have been
 * overwritten, so some other writer of the key (ok, or info: it may have taken effect) must
 * have been able to take effect after it: one that had not completed before it was invoked.
 * Without one the write is lost. A final value that no ok or info operation wrote is flagged
 * too. Keys missing from the final values are not checked; a key mapped to null ended absent.
 */
public final class LostWriteChecker {
  private LostWriteChecker() {}

  public static LostWriteResult check(List<Operation> operations, Map<String, String> finalValues) {
    Map<String, List<Operation>> writers = new TreeMap<>();
    for (Operation op : operations) {
      if (op.mayHaveWritten() && finalValues.containsKey(op.key())) {
        writers.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<LostWriteResult.LostWrite> lost = new ArrayList<>();
    List<LostWriteResult.UnwrittenValue> unwritten = new ArrayList<>();
    int acknowledged = 0;
    for (Map.Entry<String, String> end : new TreeMap<>(finalValues).entrySet()) {
      String key = end.getKey();
      String finalValue = end.getValue();
      List<Operation> keyWriters = writers.getOrDefault(key, List.of());
      acknowledged += (int) keyWriters.stream().filter(op -> op.outcome() == Outcome.OK).count();
      lost.addAll(lostWrites(key, keyWriters, finalValue));
      if (finalValue != null
          && keyWriters.stream().noneMatch(op -> finalValue.equals(op.value()))) {
        List<Operation> failed = operations.stream()
            .filter(op -> op.key().equals(key) && op.isWriter() && finalValue.equals(op.value()))
            .toList();
        unwritten.add(new LostWriteResult.UnwrittenValue(key, finalValue, failed));
      }
    }
    return new LostWriteResult(finalValues.size(), acknowledged, lost, unwritten);
  }

  @SuppressWarnings("ReferenceEquality") // this very operation of the history, not an equal one
  private static List<LostWriteResult.LostWrite> lostWrites(String key, List<Operation> writers,
      String finalValue) {
    // the two latest completions: for each write, the latest among the others
    long latest = Long.MIN_VALUE;
    long second = Long.MIN_VALUE;
    Operation latestOp = null;
    for (Operation op : writers) {
      if (op.completeTime() > latest) {
        second = latest;
        latest = op.completeTime();
        latestOp = op;
      } else if (op.completeTime() > second) {
        second = op.completeTime();
      }
    }
    List<LostWriteResult.LostWrite> lost = new ArrayList<>();
    for (Operation op : writers) {
      if (op.outcome() != Outcome.OK || Objects.equals(op.value(), finalValue)) {
        continue;
      }
      long othersLatest = op == latestOp ? second : latest;
      // another writer that had not completed when this one was invoked may have followed it
      if (othersLatest < op.invokeTime()) {
        lost.add(new LostWriteResult.LostWrite(key, op, finalValue, explain(key, op, finalValue)));
      }
    }
    return lost;
  }

  private static String explain(String key, Operation op, String finalValue) {
    return (op.kind() == OpKind.CAS ? "cas" : "write") + " of "
        + op.value() + " to " + key + " was acknowledged, but " + key + " ended "
        + (finalValue == null ? "absent" : "as " + finalValue)
        + " and no other write could have come after it";
  }
}
