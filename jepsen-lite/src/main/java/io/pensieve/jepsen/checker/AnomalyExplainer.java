package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.history.OpKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One line on why a window is not linearizable, for the usual shapes: a value nobody wrote, a
 * value read before it was written, a stale read, a compare that failed on the value it
 * expected. Anything else gets a plain statement of what could not be ordered.
 */
final class AnomalyExplainer {
  private AnomalyExplainer() {}

  @SuppressWarnings("ReferenceEquality") // this very operation of the history, not an equal one
  static String explain(String key, Operation stuck, List<Operation> window, boolean fromStart,
      List<Operation> keyOperations) {
    // the operation the search stopped at first, then the other observers, latest first: with
    // returns at the same time, the search may stop at an innocent one
    List<Operation> candidates = new ArrayList<>();
    if (window.contains(stuck)) {
      candidates.add(stuck);
    }
    window.stream()
        .filter(op -> op != stuck && op.outcome() != Outcome.INFO && op.kind() != OpKind.WRITE)
        .sorted(Comparator.comparingLong(Operation::completeTime).reversed())
        .forEach(candidates::add);
    for (Operation focus : candidates) {
      String line = switch (focus.kind()) {
        case READ, CAS -> focus.outcome() == Outcome.COMPARE_FAILED
            ? failedCompare(key, focus, fromStart, keyOperations)
            : observation(key, focus, window, keyOperations);
        case WRITE -> null;
      };
      if (line != null) {
        return line;
      }
    }
    Operation focus = candidates.isEmpty() ? stuck : candidates.get(0);
    return "no order of these " + window.size() + " operations on " + key + " explains "
        + focus.describe() + (fromStart ? "" : ", whatever " + key + " held before them");
  }

  /** A read that returned {@code value}, or an ok cas that found {@code expected}. */
  private static String observation(String key, Operation focus, List<Operation> window,
      List<Operation> keyOperations) {
    boolean read = focus.kind() == OpKind.READ;
    String seen = read ? focus.value() : focus.expected();
    String subject = read
        ? "read of " + key + (seen == null ? " found it absent" : " returned " + seen)
        : "cas of " + key + " from " + Operation.show(seen) + " to " + focus.value()
            + " succeeded";
    String began = read ? "the read began" : "the cas began";
    if (seen != null) {
      Operation writer = writerOf(seen, keyOperations, true);
      if (writer == null) {
        Operation failed = writerOf(seen, keyOperations, false);
        return failed != null
            ? subject + ", but only a failed write wrote " + seen + " (" + failed.describe() + ")"
            : subject + ", but " + seen + " was never written";
      }
      if (writer.invokeTime() > focus.completeTime()) {
        return subject + ", but " + seen + " was only written later (" + writer.describe()
            + " began after it returned)";
      }
      Operation newer = newerAcknowledged(seen, writer, focus, window);
      if (newer != null) {
        return subject + " but " + newer.value() + " was written and acknowledged before "
            + began + " (after " + seen + " was)";
      }
      return null;
    }
    Operation newer = newerAcknowledged(null, null, focus, window);
    return newer == null ? null
        : subject + " but " + newer.value() + " was written and acknowledged before " + began;
  }

  /**
   * An ok writer of another value that completed before {@code focus} began, and began after
   * {@code writer} (of {@code seen}) completed: the newest such, or null.
   */
  @SuppressWarnings("ReferenceEquality") // this very operation of the history, not an equal one
  private static Operation newerAcknowledged(String seen, Operation writer, Operation focus,
      List<Operation> window) {
    Operation newest = null;
    for (Operation op : window) {
      if (op.isWriter() && op.outcome() == Outcome.OK && op != focus
          && !op.value().equals(seen)
          && op.completeTime() < focus.invokeTime()
          && (writer == null || writer.completeTime() < op.invokeTime())
          && (newest == null || op.completeTime() > newest.completeTime())) {
        newest = op;
      }
    }
    return newest;
  }

  /** A cas that failed to compare although its expected value sat in the key all along. */
  @SuppressWarnings("ReferenceEquality") // this very operation of the history, not an equal one
  private static String failedCompare(String key, Operation focus, boolean fromStart,
      List<Operation> keyOperations) {
    String expected = focus.expected();
    if (expected == null && !fromStart) {
      return null;
    }
    Operation writer = null;
    for (Operation op : keyOperations) {
      if (op.isWriter() && op.outcome() == Outcome.OK && op.value().equals(expected)
          && op.completeTime() < focus.invokeTime()) {
        writer = op;
      }
    }
    if (expected != null && writer == null) {
      return null;
    }
    for (Operation op : keyOperations) {
      boolean couldFollow = writer == null || op.completeTime() > writer.invokeTime();
      if (op != writer && op.mayHaveWritten() && op.invokeTime() < focus.completeTime()
          && couldFollow) {
        return null;
      }
    }
    return "cas of " + key + " expecting " + Operation.show(expected)
        + " failed to compare, but " + key + (expected == null
            ? " was absent throughout the call: nothing had been written"
            : " held " + expected + " throughout the call: it was written and acknowledged"
                + " before (" + writer.describe() + ") and nothing else was written since");
  }

  private static Operation writerOf(String value, List<Operation> keyOperations,
      boolean mayHaveWritten) {
    for (Operation op : keyOperations) {
      if (op.isWriter() && value.equals(op.value())
          && (mayHaveWritten ? op.mayHaveWritten() : op.outcome() == Outcome.FAIL)) {
        return op;
      }
    }
    return null;
  }
}
