package io.pensieve.cli.bench;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's requests, at most {@code inFlight} at a time. Closed loop: each slot sends its
 * next request as soon as the previous one ends. Open loop: the pacer hands out requests at
 * their due times; one due while every slot is busy waits in the backlog, and its latency still
 * runs from when it was due. Each request is a read with probability {@code readRatio}, on a key
 * drawn uniformly from this lane's own seeded random.
 */
final class Lane {
  private final KvClient client;
  private final Random random;
  private final KeySpace keys;
  private final double readRatio;
  private final LatencyStats stats;
  private final AtomicLong outstanding;
  private final boolean openLoop;
  private final ArrayDeque<Long> backlog = new ArrayDeque<>();
  private int idle;
  private boolean stopped;

  /** @param outstanding requests sent and not yet ended, over every lane of the run */
  Lane(KvClient client, Random random, KeySpace keys, double readRatio, int inFlight,
      boolean openLoop, LatencyStats stats, AtomicLong outstanding) {
    this.client = client;
    this.random = random;
    this.keys = keys;
    this.readRatio = readRatio;
    this.idle = inFlight;
    this.openLoop = openLoop;
    this.stats = stats;
    this.outstanding = outstanding;
  }

  /** Closed loop: fills every slot; each then sends again as it ends, until {@link #stop}. */
  void start() {
    int slots;
    synchronized (this) {
      slots = idle;
      idle = 0;
    }
    outstanding.addAndGet(slots);
    for (int i = 0; i < slots; i++) {
      Trampoline.run(() -> send(System.nanoTime()));
    }
  }

  /** Open loop: a request due at {@code dueNanos}, sent now if a slot is free. */
  void offer(long dueNanos) {
    synchronized (this) {
      if (stopped) {
        return;
      }
      if (idle == 0) {
        backlog.add(dueNanos);
        return;
      }
      idle--;
    }
    outstanding.incrementAndGet();
    Trampoline.run(() -> send(dueNanos));
  }

  /**
   * Sends nothing more; requests in flight still end and are recorded.
   *
   * @return the requests that were due but never sent, every slot being busy
   */
  synchronized int stop() {
    stopped = true;
    int unsent = backlog.size();
    backlog.clear();
    return unsent;
  }

  private void send(long startNanos) {
    Op op;
    String key;
    synchronized (this) {
      op = random.nextDouble() < readRatio ? Op.GET : Op.PUT;
      key = keys.pick(random);
    }
    KvClient.Done done = error -> ended(op, startNanos, error);
    try {
      if (op == Op.GET) {
        client.get(key, done);
      } else {
        client.put(key, done);
      }
    } catch (RuntimeException e) {
      done.complete("client/" + e.getClass().getSimpleName());
    }
  }

  private void ended(Op op, long startNanos, String error) {
    stats.record(op, startNanos, System.nanoTime(), error);
    Long due = null;
    boolean again;
    synchronized (this) {
      if (openLoop && !stopped) {
        due = backlog.poll();
      }
      again = !stopped && (!openLoop || due != null);
      if (!again) {
        idle++;
      }
    }
    if (!again) {
      outstanding.decrementAndGet();
    } else if (due != null) {
      long next = due;
      Trampoline.run(() -> send(next));
    } else {
      Trampoline.run(() -> send(System.nanoTime()));
    }
  }

  void close() {
    client.close();
  }
}
