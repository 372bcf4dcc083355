package io.pensieve.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that answer from memory after a fixed service time (or fail at once), and remember
 * what was asked: enough to check the bench's scheduling without a cluster.
 */
final class FakeClients implements Connector {
  private final Duration serviceTime;
  private final String failWith;
  private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
  final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
  final List<Fake> opened = new ArrayList<>();

  private FakeClients(Duration serviceTime, String failWith) {
    this.serviceTime = serviceTime;
    this.failWith = failWith;
  }

  /** Every request succeeds after {@code serviceTime}. */
  static FakeClients answeringAfter(Duration serviceTime) {
    return new FakeClients(serviceTime, null);
  }

  /** Every request fails inside the call that sends it. */
  static FakeClients failingAtOnce(String errorKind) {
    return new FakeClients(Duration.ZERO, errorKind);
  }

  @Override
  public synchronized KvClient open(int clientIndex, int inFlight) {
    Fake client = new Fake();
    opened.add(client);
    return client;
  }

  @Override
  public List<String> endpoints() {
    return List.of("fake:1", "fake:2");
  }

  @Override
  public void close() {
    answers.shutdownNow();
  }

  /** The most requests any one client had in flight at once. */
  synchronized int maxInFlight() {
    return opened.stream().mapToInt(fake -> fake.maxInFlight).max().orElse(0);
  }

  final class Fake implements KvClient {
    private int inFlight;
    private int maxInFlight;
    volatile boolean closed;

    @Override
    public void put(String key, Done done) {
      puts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      answer(done);
    }

    @Override
    public void get(String key, Done done) {
      gets.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      answer(done);
    }

    private void answer(Done done) {
      if (failWith != null) {
        done.complete(failWith);
        return;
      }
      synchronized (this) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
      }
      var unused = answers.schedule(() -> { // the task completes done itself
        synchronized (this) {
          inFlight--;
        }
        done.complete(null);
      }, serviceTime.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
