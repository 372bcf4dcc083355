package io.pensieve.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes every key of the key space once, before a workload that reads, so that its reads find
 * their keys. Pipelined: one client per endpoint, {@value #IN_FLIGHT} writes in flight on each.
 */
final class Preload {
  static final int IN_FLIGHT = 64;

  private final Connector connector;
  private final int keys;
  private final Progress progress;
  private final AtomicInteger nextKey = new AtomicInteger();
  private final LongAdder ended = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  private Preload(Connector connector, int keys, Progress progress) {
    this.connector = connector;
    this.keys = keys;
    this.progress = progress;
  }

  static PreloadResult run(Connector connector, int keys, Progress progress) {
    return new Preload(connector, keys, progress).run();
  }

  private PreloadResult run() {
    int clients = connector.endpoints().size();
    CountDownLatch slotsDone = new CountDownLatch(clients * IN_FLIGHT);
    List<KvClient> opened = new ArrayList<>(clients);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < clients; i++) {
        opened.add(connector.open(i, IN_FLIGHT));
      }
      Thread driver = new Thread(() -> Trampoline.run(() -> {
        for (int slot = 0; slot < IN_FLIGHT; slot++) {
          for (KvClient client : opened) {
            Trampoline.run(() -> writeNext(client, slotsDone));
          }
        }
      }), "bench-preload");
      driver.setDaemon(true);
      driver.start();
      while (!slotsDone.await(1, TimeUnit.SECONDS)) {
        progress.show(String.format(Locale.ROOT, "preload %,d/%,d keys", ended.sum(),
            keys));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preloading", e);
    } finally {
      opened.forEach(KvClient::close);
    }
    progress.show(String.format(Locale.ROOT, "preload %,d/%,d keys", ended.sum(), keys));
    progress.done();
    Map<String, Long> byKind = new TreeMap<>();
    errors.forEach((kind, count) -> byKind.put(kind, count.sum()));
    return new PreloadResult(keys, (System.nanoTime() - start) / 1e9, byKind);
  }

  /** Writes the next key not yet taken; a slot ends when none is left. */
  private void writeNext(KvClient client, CountDownLatch slotsDone) {
    int key = nextKey.getAndIncrement();
    if (key >= keys) {
      slotsDone.countDown();
      return;
    }
    try {
      client.put(KeySpace.key(key), error -> ended(client, slotsDone, error));
    } catch (RuntimeException e) {
      ended(client, slotsDone, "client/" + e.getClass().getSimpleName());
    }
  }

  private void ended(KvClient client, CountDownLatch slotsDone, String error) {
    if (error != null) {
      errors.computeIfAbsent(error, kind -> new LongAdder()).increment();
    }
    ended.increment();
    Trampoline.run(() -> writeNext(client, slotsDone));
  }
}
