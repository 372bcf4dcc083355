package io.pensieve.jepsen.checker;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Whether one key's operations are linearizable: the Wing &amp; Gong search with Lowe's
 * memoization, as in Porcupine's {@code checkSingle}.
 *
 * <p>The required operations' calls and returns sit in one doubly linked list in time order. At
 * each step the search looks at the calls before the first return: it tries to linearize one of
 * them now (if the model allows it and the resulting configuration is new, it lifts the call and
 * its return out of the list and starts over from the head). When none works it has failed to
 * linearize the first return's operation in time, and backtracks.
 *
 * <p>Optional (info) operations have no return: nothing forces them in, and the search is done
 * once every required operation is linearized. They sit in a list of their own, by call time,
 * and are tried after the required candidates (one called before the first return is
 * available). Trying them last lets the memo skip configurations that only differ by optional
 * operations spent (see {@link LinearizedCache}).
 *
 * <p>Three reductions keep the search small. Each skips only choices that another one, which
 * is explored, is at least as good as:
 * <ul>
 *   <li>A read or failed compare that can be linearized now is linearized now, with no
 *       alternative tried (see {@link #legalObserver}). Concurrent reads then cost nothing.
 *   <li>An optional operation linearized just before a write is pointless: the write hides its
 *       effect, and leaving it out keeps it available. So no write right after an optional one.
 *   <li>Optional writes of {@link Register#NOBODY} are interchangeable: once called they stay
 *       available forever and do the same thing. One try per step is enough. Without failed
 *       compares, which alone could need such a write, they are left out altogether.
 * </ul>
 */
final class KeySearch {
  enum Result { LINEARIZABLE, NOT_LINEARIZABLE, TIMED_OUT, TOO_LARGE }

  /** How many steps between two looks at the clock. */
  private static final int CLOCK_STEPS = 1 << 10;

  private final SearchOp[] ops; // required first (0..required-1), then optional, by call time
  private final int required;
  private final int initialState;
  private final long maxConfigurations;

  // required calls and returns: entries 0..2*required-1, then HEAD and TAIL
  private final int[] entryOp;
  private final int[] match; // a call's return entry; -1 for a return
  private final int[] next;
  private final int[] prev;
  private final int head;
  private final int tail;
  // optional operations linked by op index (through slot()), between two virtual indexes
  private final int[] optNext;
  private final int[] optPrev;
  private final int optHead;
  private final int optTail;

  private final long[] zobrist;
  private SearchOp stuck;
  private long steps;

  // the search's state, for run()
  private LinearizedCache cache;
  private long[] requiredBits;
  private long[] optionalBits;
  private int remaining;
  private int depth;
  private int state;
  private long hash;
  // per level: what was lifted (its call entry, -1 if optional; its op), the state before it,
  // the first return then, whether it was forced, whether a NOBODY write was tried there
  private int[] liftedEntry;
  private int[] liftedOp;
  private int[] stateBefore;
  private int[] firstReturnAt;
  private boolean[] forced;
  private boolean[] nobodyTried;

  /**
   * @param ops one key's operations (any order)
   * @param initialState {@link Register#ABSENT}, or {@link Register#WILDCARD} for a window
   * @param maxConfigurations how many configurations the memo may hold before the search gives
   *     up (it bounds the memory a pathological history can take)
   */
  KeySearch(List<SearchOp> ops, int initialState, long maxConfigurations) {
    this.initialState = initialState;
    this.maxConfigurations = maxConfigurations;
    this.ops = withoutUselessOptionals(ops);
    Arrays.sort(this.ops, Comparator.comparing(SearchOp::optional)
        .thenComparingLong(SearchOp::call).thenComparingInt(o -> o.source().id()));
    int r = 0;
    while (r < this.ops.length && !this.ops[r].optional()) {
      r++;
    }
    this.required = r;

    int n = 2 * required;
    Integer[] order = new Integer[n]; // entry e: call of op e/2 if e even, else its return
    for (int e = 0; e < n; e++) {
      order[e] = e;
    }
    // a call at the time of another's return counts as concurrent with it: the lenient reading
    Arrays.sort(order, Comparator.<Integer>comparingLong(e -> time(e)).thenComparingInt(e -> e % 2)
        .thenComparingInt(e -> e));
    entryOp = new int[n];
    match = new int[n];
    next = new int[n + 2];
    prev = new int[n + 2];
    head = n;
    tail = n + 1;
    int[] callEntry = new int[required];
    int last = head;
    for (int e = 0; e < n; e++) {
      int raw = order[e];
      entryOp[e] = raw / 2;
      match[e] = -1;
      if (raw % 2 == 0) {
        callEntry[raw / 2] = e;
      } else {
        match[callEntry[raw / 2]] = e;
      }
      next[last] = e;
      prev[e] = last;
      last = e;
    }
    next[last] = tail;
    prev[tail] = last;

    optHead = required - 1;
    optTail = this.ops.length;
    optNext = new int[this.ops.length + 2];
    optPrev = new int[this.ops.length + 2];
    int previous = optHead;
    for (int i = required; i <= this.ops.length; i++) {
      optNext[slot(previous)] = i;
      optPrev[slot(i)] = previous;
      previous = i;
    }

    SplittableRandom random = new SplittableRandom(0x5eed_1e55L);
    zobrist = new long[required];
    for (int i = 0; i < zobrist.length; i++) {
      zobrist[i] = random.nextLong();
    }
  }

  private long time(int rawEntry) {
    SearchOp op = ops[rawEntry / 2];
    return rawEntry % 2 == 0 ? op.call() : op.ret();
  }

  /** Index into optNext/optPrev: ops required-1 (the head) .. ops.length (the tail). */
  private int slot(int op) {
    return op - required + 1;
  }

  /** Drops optional writers of an unobservable value when no failed compare could need one. */
  private static SearchOp[] withoutUselessOptionals(List<SearchOp> ops) {
    boolean compareFailures = ops.stream().anyMatch(o -> o.kind() == SearchOp.Kind.CAS_FAILED);
    return ops.stream()
        .filter(o -> compareFailures || !o.optional() || o.value() != Register.NOBODY)
        .toArray(SearchOp[]::new);
  }

  Result run(long deadlineNanos) {
    if (required == 0) {
      return Result.LINEARIZABLE;
    }
    remaining = required;
    requiredBits = new long[(required + 63) >>> 6];
    optionalBits = new long[(ops.length - required + 63) >>> 6];
    cache = new LinearizedCache();
    int levels = ops.length + 1;
    liftedEntry = new int[levels];
    liftedOp = new int[levels];
    stateBefore = new int[levels];
    firstReturnAt = new int[levels];
    forced = new boolean[levels];
    nobodyTried = new boolean[levels];
    depth = 0;
    state = initialState;
    hash = 0;
    long stuckTime = Long.MIN_VALUE;
    // phase 0: required calls before the first return; phase 1: optional operations
    boolean optionalPhase = false;
    boolean freshLevel = true;
    int entry = next[head];
    int optional = optTail;
    int firstReturn = tail;

    while (remaining > 0) {
      if ((++steps & (CLOCK_STEPS - 1)) == 0) {
        if (System.nanoTime() - deadlineNanos > 0) {
          return Result.TIMED_OUT;
        }
        if (cache.size() > maxConfigurations) {
          return Result.TOO_LARGE;
        }
      }
      boolean backUp = false;
      if (freshLevel) {
        freshLevel = false;
        int observer = legalObserver();
        if (observer >= 0) {
          firstReturn = firstReturn();
          if (tryLift(observer, entryOp[observer], firstReturn, true)) {
            freshLevel = true;
            entry = next[head];
            continue;
          }
          backUp = true;
        }
      }
      if (!backUp) {
        int i = -1; // the operation to try now, if any
        if (!optionalPhase) {
          if (entry != tail && match[entry] >= 0) {
            i = entryOp[entry];
          } else {
            firstReturn = entry;
            optionalPhase = true;
            optional = optNext[slot(optHead)];
            continue;
          }
        } else if (optional != optTail && (firstReturn == tail
            || ops[optional].call() <= ops[entryOp[firstReturn]].ret())) {
          i = optional;
        }
        if (i >= 0) {
          if (tryLift(optionalPhase ? -1 : entry, i, firstReturn, false)) {
            optionalPhase = false;
            freshLevel = true;
            entry = next[head];
          } else if (optionalPhase) {
            optional = optNext[slot(optional)];
          } else {
            entry = next[entry];
          }
          continue;
        }
      }

      // nothing linearizes the first return's operation in time: back up, past forced steps
      do {
        if (firstReturn != tail && ops[entryOp[firstReturn]].ret() > stuckTime) {
          stuckTime = ops[entryOp[firstReturn]].ret();
          stuck = ops[entryOp[firstReturn]];
        }
        if (depth == 0) {
          return Result.NOT_LINEARIZABLE;
        }
        unliftTop();
        firstReturn = firstReturnAt[depth];
      } while (forced[depth]);
      int undone = liftedOp[depth];
      if (ops[undone].optional()) {
        optionalPhase = true;
        optional = optNext[slot(undone)];
      } else {
        optionalPhase = false;
        entry = next[liftedEntry[depth]];
      }
    }
    return Result.LINEARIZABLE;
  }

  /**
   * A required call before the first return whose operation only observes and can do so in
   * this state, or -1. Linearizing it now is as good as any other choice: it changes nothing,
   * and whatever order linearizes it later can move it here (nothing before it has returned
   * yet). So the search takes it without trying alternatives, which spares it the orders of
   * concurrent reads. Not from the wildcard, which a read does change.
   */
  private int legalObserver() {
    if (state == Register.WILDCARD) {
      return -1;
    }
    for (int e = next[head]; e != tail && match[e] >= 0; e = next[e]) {
      SearchOp op = ops[entryOp[e]];
      if (op.observer() && Register.step(state, op) != Register.ILLEGAL) {
        return e;
      }
    }
    return -1;
  }

  private int firstReturn() {
    int e = next[head];
    while (e != tail && match[e] >= 0) {
      e = next[e];
    }
    return e;
  }

  /**
   * Linearizes operation {@code i} (call entry {@code entry}, or -1 for an optional one) now if
   * the model and the prunings allow it and the configuration is new.
   */
  private boolean tryLift(int entry, int i, int firstReturn, boolean isForced) {
    SearchOp op = ops[i];
    boolean afterOptional = depth > 0 && ops[liftedOp[depth - 1]].optional();
    if (op.kind() == SearchOp.Kind.WRITE && afterOptional) {
      return false;
    }
    if (op.optional() && op.kind() == SearchOp.Kind.WRITE && op.value() == Register.NOBODY) {
      if (nobodyTried[depth]) {
        return false;
      }
      nobodyTried[depth] = true;
    }
    int newState = Register.step(state, op);
    if (newState == Register.ILLEGAL) {
      return false;
    }
    long newHash = op.optional() ? hash : hash ^ zobrist[i];
    flip(i);
    if (!cache.add(newHash ^ (newState * 0x9e3779b97f4a7c15L), newState, op.optional(),
        requiredBits, optionalBits)) {
      flip(i);
      return false;
    }
    liftedEntry[depth] = entry;
    liftedOp[depth] = i;
    stateBefore[depth] = state;
    firstReturnAt[depth] = firstReturn;
    forced[depth] = isForced;
    depth++;
    nobodyTried[depth] = false;
    state = newState;
    hash = newHash;
    if (op.optional()) {
      optNext[slot(optPrev[slot(i)])] = optNext[slot(i)];
      optPrev[slot(optNext[slot(i)])] = optPrev[slot(i)];
    } else {
      remaining--;
      lift(entry);
    }
    return true;
  }

  private void unliftTop() {
    depth--;
    int i = liftedOp[depth];
    state = stateBefore[depth];
    flip(i);
    if (ops[i].optional()) {
      optNext[slot(optPrev[slot(i)])] = i;
      optPrev[slot(optNext[slot(i)])] = i;
    } else {
      hash ^= zobrist[i];
      remaining++;
      unlift(liftedEntry[depth]);
    }
  }

  private void flip(int i) {
    if (i < required) {
      requiredBits[i >>> 6] ^= 1L << i;
    } else {
      int bit = i - required;
      optionalBits[bit >>> 6] ^= 1L << bit;
    }
  }

  private void lift(int call) {
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    int ret = match[call];
    next[prev[ret]] = next[ret];
    prev[next[ret]] = prev[ret];
  }

  private void unlift(int call) {
    int ret = match[call];
    next[prev[ret]] = ret;
    prev[next[ret]] = ret;
    next[prev[call]] = call;
    prev[next[call]] = call;
  }

  /**
   * After {@link Result#NOT_LINEARIZABLE}: the operation whose return the search never got
   * past, the latest return at which it had to back up.
   */
  SearchOp stuck() {
    return stuck;
  }

  long steps() {
    return steps;
  }

  /** How many configurations the memo held at the end. */
  int configurations() {
    return cache == null ? 0 : cache.size();
  }
}
