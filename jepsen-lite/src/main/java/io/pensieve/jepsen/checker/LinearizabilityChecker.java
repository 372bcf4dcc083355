package io.pensieve.jepsen.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-key linearizability of a register with read, write and cas. A history of independent
 * registers is linearizable iff each key's is (P-compositionality), so keys are checked apart,
 * a few at a time.
 *
 * <p>Each key gets a time budget: a search that runs out answers {@link Verdict#UNKNOWN}. So
 * does one whose memo outgrows {@code maxConfigurations}: a pathological history costs time, not
 * the process's heap. A non-linearizable key gets an {@link Anomaly}, minimised within a budget
 * of its own of the same length.
 */
public final class LinearizabilityChecker {
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
  /** About 250 MB of memo at most per key being checked. */
  public static final long DEFAULT_MAX_CONFIGURATIONS = 2_000_000;

  private final Duration perKeyBudget;
  private final int threads;
  private final long maxConfigurations;

  public LinearizabilityChecker() {
    this(DEFAULT_BUDGET);
  }

  public LinearizabilityChecker(Duration perKeyBudget) {
    this(perKeyBudget, Math.min(4, Runtime.getRuntime().availableProcessors()),
        DEFAULT_MAX_CONFIGURATIONS);
  }

  public LinearizabilityChecker(Duration perKeyBudget, int threads, long maxConfigurations) {
    if (perKeyBudget.isNegative() || threads < 1 || maxConfigurations < 1) {
      throw new IllegalArgumentException("budget " + perKeyBudget + ", threads " + threads
          + ", max configurations " + maxConfigurations);
    }
    this.perKeyBudget = perKeyBudget;
    this.threads = threads;
    this.maxConfigurations = maxConfigurations;
  }

  /** One result per key, in key order. */
  public List<KeyResult> check(List<Operation> operations) {
    Map<String, List<Operation>> byKey = new TreeMap<>();
    for (Operation op : operations) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    if (byKey.size() <= 1 || threads == 1) {
      List<KeyResult> results = new ArrayList<>();
      byKey.forEach((key, ops) -> results.add(checkKey(key, ops)));
      return results;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, byKey.size()),
        daemonThreads());
    try {
      List<Future<KeyResult>> futures = new ArrayList<>();
      byKey.forEach((key, ops) -> futures.add(pool.submit(() -> checkKey(key, ops))));
      List<KeyResult> results = new ArrayList<>(futures.size());
      for (Future<KeyResult> future : futures) {
        results.add(future.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** One key's operations, any outcome; those the search ignores are filtered here. */
  public KeyResult checkKey(String key, List<Operation> keyOperations) {
    long begin = System.nanoTime();
    List<SearchOp> ops = Register.prepare(keyOperations);
    KeySearch search = new KeySearch(ops, Register.ABSENT, maxConfigurations);
    KeySearch.Result result = search.run(begin + perKeyBudget.toNanos());
    return switch (result) {
      case LINEARIZABLE -> new KeyResult(key, Verdict.LINEARIZABLE, ops.size(), millis(begin),
          null, null);
      case TIMED_OUT -> new KeyResult(key, Verdict.UNKNOWN, ops.size(), millis(begin), null,
          "the time budget of " + perKeyBudget + " ran out after " + search.steps()
              + " steps, " + search.configurations() + " configurations");
      case TOO_LARGE -> new KeyResult(key, Verdict.UNKNOWN, ops.size(), millis(begin), null,
          "more than " + maxConfigurations + " configurations to remember");
      case NOT_LINEARIZABLE -> {
        // a search that fails always backs up at some return, so stuck() is set
        Anomaly anomaly = new AnomalyFinder(key, ops, keyOperations,
            System.nanoTime() + perKeyBudget.toNanos(), maxConfigurations)
            .find(search.stuck());
        yield new KeyResult(key, Verdict.NOT_LINEARIZABLE, ops.size(), millis(begin), anomaly,
            null);
      }
    };
  }

  private static long millis(long beginNanos) {
    return (System.nanoTime() - beginNanos) / 1_000_000;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "linearizability-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
