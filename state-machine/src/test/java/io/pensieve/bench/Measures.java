package io.pensieve.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** What the map and snapshot benchmarks measure alike: keys, heap, medians, load timings. */
final class Measures {
  private Measures() {}

  /** The i-th key of a benchmark's store: 16 bytes, in key order as i grows. */
  static byte[] key(int i) {
    return String.format("key-%012d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** Used heap after full collections: the least of a few, as one may leave garbage behind. */
  static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** 0 .. count-1 in an order shuffled the same way on every run. */
  static int[] shuffled(int count) {
    int[] order = IntStream.range(0, count).toArray();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swapped = order[i];
      order[i] = order[j];
      order[j] = swapped;
    }
    return order;
  }

  static double median(double[] samples) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }


  /**
   * Wall time of a load, with the two parts that tell a slow load from a busy machine: CPU
   * time of the loading thread, and time the collectors report (young collections copy the
   * freshly loaded records, and on a shared machine wait for a core).
   */
  static final class LoadTiming {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final long startNanos = System.nanoTime();
    private final long startCpuNanos = THREADS.getCurrentThreadCpuTime();
    private final long startGcMillis = gcMillisSoFar();

    double wallMillis() {
      return (System.nanoTime() - startNanos) / 1e6;
    }

    double cpuMillis() {
      return (THREADS.getCurrentThreadCpuTime() - startCpuNanos) / 1e6;
    }

    double gcMillis() {
      return gcMillisSoFar() - startGcMillis;
    }

    private static long gcMillisSoFar() {
      long total = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        total += Math.max(0, gc.getCollectionTime());
      }
      return total;
    }
  }
}
