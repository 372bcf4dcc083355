package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.OpKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Linearizability of one key by the definition, trying every order: the reference the search is
 * compared with on small histories. Info writers may be left out; an unknown initial value is
 * tried as each value the history mentions and as one it does not.
 */
final class BruteForce {
  private static final String OTHER = "\u0000other";

  private BruteForce() {}

  static boolean linearizable(List<Operation> ops, boolean initialKnown) {
    List<Operation> relevant = new ArrayList<>();
    for (Operation op : ops) {
      boolean dropped = op.outcome() == Outcome.FAIL
          || (op.kind() == OpKind.READ && op.outcome() != Outcome.OK);
      if (!dropped) {
        relevant.add(op);
      }
    }
    Set<String> initials = new LinkedHashSet<>();
    initials.add(null);
    if (!initialKnown) {
      for (Operation op : relevant) {
        initials.add(op.value());
        initials.add(op.expected());
      }
      initials.add(OTHER);
    }
    for (String initial : initials) {
      if (search(relevant, new boolean[relevant.size()], initial)) {
        return true;
      }
    }
    return false;
  }

  private static boolean search(List<Operation> ops, boolean[] done, String state) {
    boolean allRequired = true;
    long deadline = Long.MAX_VALUE; // no op called after an undone required op returned
    for (int i = 0; i < ops.size(); i++) {
      if (!done[i] && ops.get(i).outcome() != Outcome.INFO) {
        allRequired = false;
        deadline = Math.min(deadline, ops.get(i).completeTime());
      }
    }
    if (allRequired) {
      return true;
    }
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      if (done[i] || op.invokeTime() > deadline) {
        continue;
      }
      String after = step(state, op);
      if (after == null) {
        continue;
      }
      done[i] = true;
      boolean found = search(ops, done, after.equals(OTHER + "?") ? state : after);
      done[i] = false;
      if (found) {
        return true;
      }
    }
    return false;
  }

  /** The state after {@code op}, or null if it cannot happen; "other?" means unchanged. */
  private static String step(String state, Operation op) {
    return switch (op.kind()) {
      case READ -> Objects.equals(state, op.value()) ? OTHER + "?" : null;
      case WRITE -> op.value();
      case CAS -> op.outcome() == Outcome.COMPARE_FAILED
          ? (Objects.equals(state, op.expected()) ? null : OTHER + "?")
          : (Objects.equals(state, op.expected()) ? op.value() : null);
    };
  }
}
