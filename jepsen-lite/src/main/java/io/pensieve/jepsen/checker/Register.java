package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.OpKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The register model of one key: states are interned values, and {@link #step} says what an
 * operation does to one.
 *
 * <p>Only values some operation can tell apart (what a read returned, what a cas compared with)
 * get their own number; every other written value is {@link #NOBODY}. No operation can tell two
 * such values apart, so sharing one state lets the search's cache merge states that differ only
 * in an unobservable value.
 */
final class Register {
  /** The initial state of a window cut from the middle of a history: anything, until seen. */
  static final int WILDCARD = -1;
  /** The key does not exist: the initial state of every history. */
  static final int ABSENT = 0;
  /** Some written value that no operation observes. */
  static final int NOBODY = 1;
  /** {@link #step}'s answer for an operation that cannot happen in that state. */
  static final int ILLEGAL = Integer.MIN_VALUE;

  private Register() {}

  /**
   * The state after {@code op} in {@code state}, or {@link #ILLEGAL}. From {@link #WILDCARD} the
   * first observation fixes the value. A failed compare leaves a wildcard as it is, though it
   * did learn the value is not {@code expected}: a little more lenient than exact, which only
   * ever makes a window look linearizable, never the reverse.
   */
  static int step(int state, SearchOp op) {
    return switch (op.kind()) {
      case READ -> state == op.value() ? state : state == WILDCARD ? op.value() : ILLEGAL;
      case WRITE -> op.value();
      case CAS -> state == op.expected() || state == WILDCARD ? op.value() : ILLEGAL;
      case CAS_FAILED -> state != op.expected() ? state : ILLEGAL;
    };
  }

  /**
   * The search's view of one key's operations, in invoke order: ok reads, ok and info writers,
   * failed compares. Failed writers certainly did nothing and reads that did not complete ok
   * say nothing, so both are left out.
   */
  static List<SearchOp> prepare(List<Operation> keyOps) {
    Set<String> observed = new HashSet<>();
    for (Operation op : keyOps) {
      if (op.kind() == OpKind.READ && op.outcome() == Outcome.OK) {
        observed.add(op.value());
      } else if (op.kind() == OpKind.CAS && op.outcome() != Outcome.FAIL) {
        observed.add(op.expected());
      }
    }
    Map<String, Integer> ids = new HashMap<>();
    ids.put(null, ABSENT);
    List<SearchOp> ops = new ArrayList<>(keyOps.size());
    for (Operation op : keyOps) {
      SearchOp.Kind kind = kind(op);
      if (kind == null) {
        continue;
      }
      int value = observed.contains(op.value()) ? intern(ids, op.value()) : NOBODY;
      int expected = kind == SearchOp.Kind.CAS || kind == SearchOp.Kind.CAS_FAILED
          ? intern(ids, op.expected()) : ABSENT;
      boolean optional = op.outcome() == Outcome.INFO;
      ops.add(new SearchOp(kind, value, expected, optional, op.invokeTime(),
          optional ? Long.MAX_VALUE : op.completeTime(), op));
    }
    return ops;
  }

  private static SearchOp.Kind kind(Operation op) {
    return switch (op.kind()) {
      case READ -> op.outcome() == Outcome.OK ? SearchOp.Kind.READ : null;
      case WRITE -> op.outcome() == Outcome.OK || op.outcome() == Outcome.INFO
          ? SearchOp.Kind.WRITE : null;
      case CAS -> switch (op.outcome()) {
        case OK, INFO -> SearchOp.Kind.CAS;
        case COMPARE_FAILED -> SearchOp.Kind.CAS_FAILED;
        case FAIL -> null;
      };
    };
  }

  private static int intern(Map<String, Integer> ids, String value) {
    return ids.computeIfAbsent(value, v -> ids.size() + 1);
  }
}
