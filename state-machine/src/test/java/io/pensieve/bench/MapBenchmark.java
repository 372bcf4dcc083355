package io.pensieve.bench;

import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.statemachine.snapshot.LoadedSnapshot;
import io.pensieve.statemachine.snapshot.SnapshotFormat;
import io.pensieve.statemachine.snapshot.SnapshotStore;
import io.pensieve.store.LruTtlMap;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Measures the map on one thread: heap per entry, put and get rates, snapshot write and load.
 * Not a test; run it with {@code mvn -B -q -pl state-machine exec:exec@map-bench} after an
 * install. Prints the median of several rounds; the machine is shared, so expect noise.
 *
 * <p>Arguments: {@code [entries] [rounds] [snapshot directory]}.
 */
public final class MapBenchmark {
  private static final int KEY_BYTES = 16;
  private static final int VALUE_BYTES = 100;
  private static final long STAMP = 1_700_000_000_000L;

  public static void main(String[] args) throws IOException {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("map-bench");
    System.out.printf("entries=%,d key=%d B value=%d B rounds=%d java=%s%n",
        entries, KEY_BYTES, VALUE_BYTES, rounds, System.getProperty("java.version"));

    byte[] value = new byte[VALUE_BYTES];
    new SplittableRandom(1).nextBytes(value);

    measureHeap(entries, value, OptionalLong.empty());
    measureHeap(entries, value, OptionalLong.of(3_600_000));

    byte[][] keys = new byte[entries][];
    for (int i = 0; i < entries; i++) {
      keys[i] = key(i);
    }
    int[] readOrder = new SplittableRandom(2).ints(entries, 0, entries).toArray();

    double[] putRates = new double[rounds];
    double[] getRates = new double[rounds];
    double[] writeMillis = new double[rounds];
    double[] loadMillis = new double[rounds];
    long snapshotBytes = 0;
    SnapshotStore store = new SnapshotStore();
    store.open(dir);
    for (int round = 0; round < rounds; round++) {
      LruTtlMap map = new LruTtlMap();
      long start = System.nanoTime();
      for (byte[] key : keys) {
        map.put(key, value, OptionalLong.empty(), false, STAMP);
      }
      putRates[round] = entries / seconds(start);

      start = System.nanoTime();
      long found = 0;
      for (int i : readOrder) {
        found += map.get(keys[i], STAMP).isPresent() ? 1 : 0;
      }
      getRates[round] = entries / seconds(start);
      if (found != entries) {
        throw new IllegalStateException("found " + found + " of " + entries);
      }

      TermIndex at = TermIndex.valueOf(1, round + 1);
      start = System.nanoTime();
      Path file = store.write(at, out -> SnapshotFormat.write(map, new MemberDirectory(), at.getTerm(), at.getIndex(), out));
      writeMillis[round] = seconds(start) * 1000;
      snapshotBytes = Files.size(file);

      start = System.nanoTime();
      LoadedSnapshot loaded = SnapshotFormat.read(file);
      loadMillis[round] = seconds(start) * 1000;
      if (loaded.map().size() != entries) {
        throw new IllegalStateException("loaded " + loaded.map().size() + " entries");
      }
      Files.delete(file);
      System.out.printf("round %d: put %,.0f/s get %,.0f/s snapshot write %.0f ms load %.0f ms%n",
          round + 1, putRates[round], getRates[round], writeMillis[round], loadMillis[round]);
    }
    System.out.printf("median of %d: put %,.0f ops/s, get %,.0f ops/s, snapshot %,d bytes "
            + "written in %.0f ms (with fsync), loaded in %.0f ms%n",
        rounds, median(putRates), median(getRates), snapshotBytes, median(writeMillis),
        median(loadMillis));
    deleteRecursively(dir);
  }

  /** Heap held by a full map, beyond its key and value bytes, after full collections. */
  private static void measureHeap(int entries, byte[] value, OptionalLong ttlMillis) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedHeapAfterGc(memory);
    LruTtlMap map = new LruTtlMap();
    for (int i = 0; i < entries; i++) {
      map.put(key(i), value, ttlMillis, false, STAMP);
    }
    long after = usedHeapAfterGc(memory);
    double perEntry = (double) (after - before) / entries;
    System.out.printf("heap%s: %,.1f MB for %,d entries = %.1f B/entry, %.1f B/entry beyond the "
            + "%d B of key and value (map holds %,d entries)%n",
        ttlMillis.isPresent() ? " (every entry with a TTL)" : "", (after - before) / 1e6,
        entries, perEntry, perEntry - KEY_BYTES - VALUE_BYTES, KEY_BYTES + VALUE_BYTES,
        map.size());
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static byte[] key(int i) {
    return String.format("key-%012d", i).getBytes(StandardCharsets.US_ASCII);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(double[] samples) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
