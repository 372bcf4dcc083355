package io.pensieve.cli.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One measurement at one client count: opens the clients, runs the warmup and the measured
 * window, lets the requests in flight end, closes the clients. Requests are started on a driver
 * thread (the pacer, in open loop) and then by their own completions; this thread only shows
 * progress and keeps time.
 */
final class LevelRun {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  /** Past the request timeout: every request has ended by then, answered or not. */
  private static final long DRAIN_MARGIN = SECOND;

  private final BenchPlan plan;
  private final Connector connector;
  private final Progress progress;
  private final KeySpace keys;

  LevelRun(BenchPlan plan, Connector connector, Progress progress) {
    this.plan = plan;
    this.connector = connector;
    this.progress = progress;
    this.keys = new KeySpace(plan.keys());
  }

  LevelResult run(int clients) {
    LatencyStats stats = new LatencyStats();
    AtomicLong outstanding = new AtomicLong();
    SplittableRandom seeds = new SplittableRandom(plan.seed());
    List<Lane> lanes = new ArrayList<>(clients);
    try {
      for (int i = 0; i < clients; i++) {
        lanes.add(new Lane(connector.open(i, plan.inFlight()), new Random(seeds.nextLong()), keys,
            plan.readRatio(), plan.inFlight(), plan.openLoop(), stats, outstanding));
      }
      long start = System.nanoTime();
      long windowStart = start + plan.warmup().toNanos();
      long windowEnd = windowStart + plan.duration().toNanos();
      stats.window(windowStart, windowEnd);
      Thread driver = plan.openLoop()
          ? driver(() -> pace(lanes, new OpenLoop(start, plan.rate().getAsDouble()), windowEnd))
          // one trampoline for all first sends: those that fail at once queue behind the rest
          : driver(() -> Trampoline.run(() -> lanes.forEach(Lane::start)));
      String level = clients + (clients == 1 ? " client" : " clients");
      showProgress(stats, level, "warmup", start, windowStart);
      showProgress(stats, level, "measure", windowStart, windowEnd);
      if (plan.openLoop()) {
        // the pacer ends by itself once it has handed out every request due in the window
        join(driver);
      }
      long unsent = lanes.stream().mapToLong(Lane::stop).sum();
      drain(outstanding);
      join(driver);
      progress.done();
      return result(clients, stats, unsent);
    } finally {
      lanes.forEach(Lane::close);
    }
  }

  private static Thread driver(Runnable work) {
    Thread thread = new Thread(work, "bench-driver");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Hands each request to the next lane, round robin, at its due time. */
  static void pace(List<Lane> lanes, OpenLoop schedule, long endNanos) {
    long next = 0;
    while (!Thread.currentThread().isInterrupted()) {
      long due = schedule.intendedNanos(next);
      if (due >= endNanos) {
        return;
      }
      parkUntil(due);
      for (long dueNow = schedule.dueBy(System.nanoTime()); next < dueNow; next++) {
        long intended = schedule.intendedNanos(next);
        if (intended >= endNanos) {
          return;
        }
        lanes.get((int) (next % lanes.size())).offer(intended);
      }
    }
  }

  /** A line a second from {@code fromNanos} to {@code toNanos}; nothing for an empty phase. */
  private void showProgress(LatencyStats stats, String level, String phase, long fromNanos,
      long toNanos) {
    long totalSeconds = Math.max(1, (toNanos - fromNanos + SECOND - 1) / SECOND);
    Histogram recent = null;
    long errorsBefore = stats.errorsSoFar();
    long tickStart = fromNanos;
    while (tickStart < toNanos) {
      long tickEnd = Math.min(tickStart + SECOND, toNanos);
      parkUntil(tickEnd);
      recent = stats.takeRecent(recent);
      long errors = stats.errorsSoFar();
      double seconds = (System.nanoTime() - tickStart) / 1e9;
      progress.interval(level, phase, (tickEnd - fromNanos + SECOND - 1) / SECOND,
          totalSeconds, recent.getTotalCount() / seconds,
          recent.getTotalCount() == 0 ? 0 : recent.getValueAtPercentile(99) / 1e6,
          errors - errorsBefore);
      errorsBefore = errors;
      tickStart = tickEnd;
    }
  }

  private void drain(AtomicLong outstanding) {
    long deadline = System.nanoTime() + plan.requestTimeout().toNanos() + DRAIN_MARGIN;
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Waits for the driver: a closed loop's ends once the lanes stop. */
  private static void join(Thread driver) {
    try {
      driver.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private LevelResult result(int clients, LatencyStats stats, long unsent) {
    double seconds = plan.duration().toNanos() / 1e9;
    Map<Op, OpStats> operations = new EnumMap<>(Op.class);
    List<Histogram> histograms = new ArrayList<>();
    List<Map<String, Long>> errors = new ArrayList<>();
    for (Op op : operationsOf(plan.workload())) {
      Histogram histogram = stats.measured(op);
      Map<String, Long> errorsByKind = stats.measuredErrors(op);
      operations.put(op, OpStats.of(histogram, errorsByKind, seconds));
      histograms.add(histogram);
      errors.add(errorsByKind);
    }
    return new LevelResult(clients, plan.inFlight(), seconds, operations,
        OpStats.combined(histograms, errors, seconds), unsent);
  }

  static List<Op> operationsOf(Workload workload) {
    return switch (workload) {
      case PUT -> List.of(Op.PUT);
      case GET -> List.of(Op.GET);
      case MIXED -> List.of(Op.GET, Op.PUT);
    };
  }

  static void parkUntil(long nanos) {
    for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
      LockSupport.parkNanos(wait);
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }
}
