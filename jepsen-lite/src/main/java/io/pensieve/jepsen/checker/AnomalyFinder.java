package io.pensieve.jepsen.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cuts a small window out of a key's non-linearizable history that is not linearizable by
 * itself, as evidence a person can check by hand.
 *
 * <p>A window ends at the return the search could not get past ({@code end}) and starts at some
 * invoke time {@code start}. Its initial value is unknown ({@link Register#WILDCARD}) unless it
 * starts with the history. Operations that complete before {@code start} are left out; those
 * cut by either edge are relaxed, since their effect may fall outside the window: reads and
 * failed compares are dropped, writers become info (may take effect, or not). With that, a
 * window that is not linearizable proves the whole history is not, and a larger window can
 * only be "less" linearizable, so the smallest start is found by doubling, then bisecting.
 *
 * <p>Then operations are dropped greedily while the window stays non-linearizable, but only
 * drops that cannot themselves create an anomaly: any observer, and a writer whose value no
 * remaining operation observes when no failed compare remains (only a failed compare could
 * have needed that value there). Dropping any writer could leave a read without its write and
 * "prove" a violation that is not there.
 */
final class AnomalyFinder {
  private final String key;
  private final List<SearchOp> ops;
  private final List<Operation> keyOperations;
  private final long deadline;
  private final long maxConfigurations;
  private boolean outOfBudget;

  AnomalyFinder(String key, List<SearchOp> ops, List<Operation> keyOperations,
      long deadlineNanos, long maxConfigurations) {
    this.key = key;
    this.ops = ops;
    this.keyOperations = keyOperations;
    this.deadline = deadlineNanos;
    this.maxConfigurations = maxConfigurations;
  }

  /** A window ending at {@code stuck}'s return. */
  Anomaly find(SearchOp stuck) {
    long end = stuck.ret();
    TreeSet<Long> callTimes = new TreeSet<>();
    long first = Long.MAX_VALUE;
    for (SearchOp op : ops) {
      if (op.call() <= stuck.call()) {
        callTimes.add(op.call());
      }
      first = Math.min(first, op.call());
    }
    List<Long> starts = new ArrayList<>(callTimes.descendingSet());
    int last = starts.size() - 1;

    // the full prefix is not linearizable (the search said so); find the latest start that is
    int lo = -1;
    int hi = -1;
    for (int k = 0; hi < 0 && !outOfBudget; k = Math.min(last, k == 0 ? 1 : k * 2)) {
      if (nonLinearizable(window(starts.get(k), end, first))) {
        hi = k;
      } else if (k == last) {
        break;
      } else {
        lo = k;
      }
    }
    if (hi < 0) {
      return fallback(stuck, end);
    }
    while (hi - lo > 1 && !outOfBudget) {
      int mid = (lo + hi) >>> 1;
      if (nonLinearizable(window(starts.get(mid), end, first))) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    long start = starts.get(hi);
    Window window = window(start, end, first);
    List<SearchOp> minimal = minimise(window);
    return anomaly(stuck, minimal, window.fromStart);
  }

  private record Window(List<SearchOp> ops, boolean fromStart) {}

  private Window window(long start, long end, long first) {
    boolean fromStart = start <= first;
    List<SearchOp> in = new ArrayList<>();
    for (SearchOp op : ops) {
      if (op.call() > end || (!op.optional() && op.ret() < start)) {
        continue;
      }
      boolean cut = !op.optional() && (op.call() < start || op.ret() > end);
      if (!cut) {
        in.add(op);
      } else if (!op.observer()) {
        in.add(op.relaxed());
      }
    }
    return new Window(in, fromStart);
  }

  private boolean nonLinearizable(Window window) {
    return nonLinearizable(window.ops, window.fromStart);
  }

  /** Whether the search proves {@code window} not linearizable; false too if it gives up. */
  private boolean nonLinearizable(List<SearchOp> window, boolean fromStart) {
    if (outOfBudget) {
      return false;
    }
    KeySearch search = new KeySearch(window,
        fromStart ? Register.ABSENT : Register.WILDCARD, maxConfigurations);
    KeySearch.Result result = search.run(deadline);
    if (result == KeySearch.Result.TIMED_OUT || result == KeySearch.Result.TOO_LARGE) {
      outOfBudget = true;
      return false;
    }
    return result == KeySearch.Result.NOT_LINEARIZABLE;
  }

  /**
   * Drops runs of operations while the window stays a proof: runs of half the window, then of
   * a quarter, and so on down to single operations, which go round until none can go.
   */
  private List<SearchOp> minimise(Window window) {
    List<SearchOp> current = new ArrayList<>(window.ops);
    int size = Integer.highestOneBit(Math.max(1, current.size() / 2));
    while (!outOfBudget) {
      boolean dropped = false;
      for (int from = 0; from < current.size() && !outOfBudget; from += size) {
        int to = Math.min(current.size(), from + size);
        List<SearchOp> rest = new ArrayList<>(current.subList(0, from));
        rest.addAll(current.subList(to, current.size()));
        if (mayDrop(current.subList(from, to), rest)
            && nonLinearizable(rest, window.fromStart)) {
          current = rest;
          from -= size;
          dropped = true;
        }
      }
      if (size > 1) {
        size /= 2;
      } else if (!dropped) {
        break;
      }
    }
    return current;
  }

  /**
   * Whether leaving {@code drop} out of a window cannot turn a linearizable window into a
   * non-linearizable one: observers only ever constrain; a writer may go when nothing left
   * observes its value and no failed compare remains.
   */
  private static boolean mayDrop(List<SearchOp> drop, List<SearchOp> rest) {
    Set<Integer> writes = new HashSet<>();
    for (SearchOp op : drop) {
      if (!op.observer()) {
        writes.add(op.value());
      }
    }
    if (writes.isEmpty()) {
      return true;
    }
    for (SearchOp op : rest) {
      if (op.kind() == SearchOp.Kind.CAS_FAILED
          || (op.kind() == SearchOp.Kind.READ && writes.contains(op.value()))) {
        return false;
      }
    }
    for (List<SearchOp> group : List.of(rest, drop)) {
      for (SearchOp op : group) {
        if (op.kind() == SearchOp.Kind.CAS && writes.contains(op.expected())
            && op.expected() != Register.NOBODY) {
          return false;
        }
      }
    }
    return true;
  }

  private Anomaly anomaly(SearchOp stuck, List<SearchOp> window, boolean fromStart) {
    List<SearchOp> sorted = new ArrayList<>(window);
    sorted.sort((a, b) -> Integer.compare(a.source().id(), b.source().id()));
    List<Operation> shown = new ArrayList<>(sorted.size());
    List<Integer> relaxed = new ArrayList<>();
    for (SearchOp op : sorted) {
      shown.add(op.source());
      if (op.optional() && op.source().outcome() != Outcome.INFO) {
        relaxed.add(op.source().id());
      }
    }
    String explanation = AnomalyExplainer.explain(key, stuck.source(), shown, fromStart,
        keyOperations);
    return new Anomaly(key, explanation, stuck.source(), shown, relaxed, fromStart);
  }

  /** Out of budget before a proof: the operations around the stuck one, unverified. */
  private Anomaly fallback(SearchOp stuck, long end) {
    List<SearchOp> near = new ArrayList<>();
    for (SearchOp op : ops) {
      if (op.call() <= end && (op.optional() || op.ret() >= stuck.call())) {
        near.add(op);
      }
    }
    if (near.size() > 20) {
      near = near.subList(near.size() - 20, near.size());
    }
    Anomaly found = anomaly(stuck, near, false);
    return new Anomaly(key, "the search could not linearize " + stuck.source().describe()
        + "; no smaller proof was found within the budget (operations around it shown)",
        stuck.source(), found.window(), List.of(), false);
  }
}
