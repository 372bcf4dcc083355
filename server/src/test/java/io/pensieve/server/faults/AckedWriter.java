package io.pensieve.server.faults;

import static io.pensieve.server.grpc.KvClient.utf8;

import io.grpc.StatusRuntimeException;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.server.grpc.KvClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes distinct keys in a loop on one background thread, through several nodes in turn, and
 * remembers every write that was acknowledged. A failed write (no leader, node down, outcome
 * unknown) is never retried under the same key, so each acknowledged key has exactly one value
 * that any later read must return.
 */
final class AckedWriter implements AutoCloseable {
  /** Pause after a failure, so a cluster without a leader is not spun against. */
  private static final long FAILURE_PAUSE_MILLIS = 20;

  private final String prefix;
  private final List<KvClient> targets;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Map<String, Long> failuresByCode = new ConcurrentHashMap<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  /** @param targets the nodes to write through, each used in turn */
  AckedWriter(String prefix, List<KvClient> targets) {
    this.prefix = prefix;
    this.targets = List.copyOf(targets);
    this.thread = new Thread(this::run, "acked-writer-" + prefix);
    thread.setDaemon(true);
  }

  AckedWriter start() {
    thread.start();
    return this;
  }

  private void run() {
    for (long i = 0; stop.getCount() > 0; i++) {
      String key = key(i);
      String value = "value-" + i;
      try {
        targets.get((int) (i % targets.size())).kv()
            .put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build());
        acknowledged.put(key, value);
        acks.incrementAndGet();
      } catch (StatusRuntimeException e) {
        failures.incrementAndGet();
        failuresByCode.merge(e.getStatus().getCode().name(), 1L, Long::sum);
        pause();
      }
    }
  }

  /** Waits on the stop signal, so that stopping the writer is never delayed by a pause. */
  private void pause() {
    try {
      stop.await(FAILURE_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.countDown();
    }
  }

  /** The key of the writer's {@code attempt}-th write (from 0). */
  String key(long attempt) {
    return prefix + "-" + attempt;
  }

  /** How many writes were sent so far: their keys are {@link #key} 0 and up, one each. */
  long attempts() {
    return acks.get() + failures.get();
  }

  /** How many writes were acknowledged so far. */
  long acks() {
    return acks.get();
  }

  /** Every acknowledged key with its value, complete once {@link #stop} has returned. */
  Map<String, String> acknowledged() {
    return new LinkedHashMap<>(acknowledged);
  }

  @Override
  public String toString() {
    return "writer " + prefix + ": " + acks.get() + " acknowledged, " + failures.get()
        + " failed " + failuresByCode;
  }

  /** Stops the loop and waits for the write in flight to finish; then the counts are final. */
  void stop() {
    stop.countDown();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + this, e);
    }
    if (thread.isAlive()) {
      throw new IllegalStateException(this + " did not stop");
    }
  }

  @Override
  public void close() {
    stop();
  }
}
