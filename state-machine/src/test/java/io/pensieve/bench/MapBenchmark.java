package io.pensieve.bench;

import static io.pensieve.bench.Measures.key;
import static io.pensieve.bench.Measures.median;
import static io.pensieve.bench.Measures.shuffled;
import static io.pensieve.bench.Measures.usedHeapAfterGc;

import io.pensieve.api.KeyRanges;
import io.pensieve.bench.Measures.LoadTiming;
import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.statemachine.snapshot.LoadedSnapshot;
import io.pensieve.statemachine.snapshot.SnapshotFormat;
import io.pensieve.statemachine.snapshot.SnapshotStore;
import io.pensieve.store.LeaseTable;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.RangeResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Measures the map on one thread: heap per entry, put and get rates, 1,000-key prefix reads,
 * snapshot write and load.
 * Not a test; run it with {@code mvn -B -q -pl state-machine exec:exec@map-bench} after an
 * install, or with {@code BENCH=MapBenchmark bash bench/snapshot-bench.sh}, which installs
 * nothing. Prints the median of several rounds; the machine is shared, so expect noise.
 * {@link SnapshotBenchmark} measures snapshots of a store with TTLs and leases.
 *
 * <p>Arguments: {@code [entries] [rounds] [snapshot directory]}.
 */
public final class MapBenchmark {
  private static final int KEY_BYTES = 16;
  private static final int VALUE_BYTES = 100;
  private static final long STAMP = 1_700_000_000_000L;
  private static final int PREFIX_READS = 1_000;

  public static void main(String[] args) throws IOException {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("map-bench");
    System.out.printf("entries=%,d key=%d B value=%d B rounds=%d java=%s load average %.2f%n",
        entries, KEY_BYTES, VALUE_BYTES, rounds, System.getProperty("java.version"),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    byte[] value = new byte[VALUE_BYTES];
    new SplittableRandom(1).nextBytes(value);

    measureHeap(entries, value, OptionalLong.empty(), false);
    measureHeap(entries, value, OptionalLong.of(3_600_000), false);
    measureHeap(entries, value, OptionalLong.empty(), true);

    byte[][] keys = new byte[entries][];
    for (int i = 0; i < entries; i++) {
      keys[i] = key(i);
    }
    int[] readOrder = new SplittableRandom(2).ints(entries, 0, entries).toArray();

    double[] putRates = new double[rounds];
    double[] getRates = new double[rounds];
    double[] rangeP50Micros = new double[rounds];
    double[] rangeP99Micros = new double[rounds];
    double[] writeMillis = new double[rounds];
    double[] loadMillis = new double[rounds];
    double[] loadCpuMillis = new double[rounds];
    double[] loadGcMillis = new double[rounds];
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

      double[] rangeMicros = measurePrefixReads(map, entries, round);
      rangeP50Micros[round] = percentile(rangeMicros, 0.50);
      rangeP99Micros[round] = percentile(rangeMicros, 0.99);

      TermIndex at = TermIndex.valueOf(1, round + 1);
      start = System.nanoTime();
      Path file = store.write(at, out -> SnapshotFormat.write(new LeasedMap(map, new LeaseTable()),
          new MemberDirectory(), at.getTerm(), at.getIndex(), out));
      writeMillis[round] = seconds(start) * 1000;
      snapshotBytes = Files.size(file);

      LoadTiming load = new LoadTiming();
      LoadedSnapshot loaded = SnapshotFormat.read(file);
      loadMillis[round] = load.wallMillis();
      loadCpuMillis[round] = load.cpuMillis();
      loadGcMillis[round] = load.gcMillis();
      if (loaded.map().size() != entries) {
        throw new IllegalStateException("loaded " + loaded.map().size() + " entries");
      }
      Files.delete(file);
      System.out.printf("round %d: put %,.0f/s get %,.0f/s 1,000-key prefix read p50 %.0f us "
              + "p99 %.0f us snapshot write %.0f ms load %.0f ms (%.0f ms on the loading thread's "
              + "CPU, %.0f ms in collections)%n",
          round + 1, putRates[round], getRates[round], rangeP50Micros[round],
          rangeP99Micros[round], writeMillis[round], loadMillis[round], loadCpuMillis[round],
          loadGcMillis[round]);
    }
    System.out.printf("median of %d: put %,.0f ops/s, get %,.0f ops/s, 1,000-key prefix read "
            + "p50 %.0f us p99 %.0f us, snapshot %,d bytes written in %.0f ms (with fsync), "
            + "loaded in %.0f ms (%.0f ms CPU, %.0f ms collections)%n",
        rounds, median(putRates), median(getRates), median(rangeP50Micros),
        median(rangeP99Micros), snapshotBytes, median(writeMillis), median(loadMillis),
        median(loadCpuMillis), median(loadGcMillis));
    measureShuffledSnapshot(keys, value, store, rounds);
    deleteRecursively(dir);
  }

  /**
   * Reads of {@value #PREFIX_READS} random prefixes of 1,000 keys each, entries and values, no
   * limit; returns each read's time in microseconds, after a warm-up of as many reads.
   */
  private static double[] measurePrefixReads(LruTtlMap map, int entries, int round) {
    int prefixes = Math.max(1, entries / 1_000);
    SplittableRandom random = new SplittableRandom(100 + round);
    double[] micros = new double[PREFIX_READS];
    for (int i = -PREFIX_READS; i < PREFIX_READS; i++) {
      byte[] prefix = String.format("key-%09d", random.nextInt(prefixes))
          .getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      RangeResult page = map.range(prefix, KeyRanges.prefixEnd(prefix), 0, 0, STAMP);
      double took = (System.nanoTime() - start) / 1e3;
      if (page.entries().size() != Math.min(1_000, entries) || page.more()) {
        throw new IllegalStateException("a prefix read returned " + page.entries().size());
      }
      if (i >= 0) {
        micros[i] = took;
      }
    }
    return micros;
  }

  /**
   * Heap held by a full map, beyond its key and value bytes, after full collections; keys are
   * written in key order, or shuffled (the key order's leaves are then about two thirds full).
   */
  private static void measureHeap(
      int entries, byte[] value, OptionalLong ttlMillis, boolean shuffled) {
    int[] order = shuffled ? shuffled(entries) : IntStream.range(0, entries).toArray();
    long before = usedHeapAfterGc();
    LruTtlMap map = new LruTtlMap();
    for (int i : order) {
      map.put(key(i), value, ttlMillis, false, STAMP);
    }
    long after = usedHeapAfterGc();
    double perEntry = (double) (after - before) / entries;
    // order.length, not entries: the write order, counted before, stays reachable and counted
    System.out.printf("heap%s%s: %,.1f MB for %,d entries = %.1f B/entry, %.1f B/entry beyond the "
            + "%d B of key and value (map holds %,d entries)%n",
        ttlMillis.isPresent() ? " (every entry with a TTL)" : "",
        shuffled ? " (keys written in random order)" : "", (after - before) / 1e6,
        order.length, perEntry, perEntry - KEY_BYTES - VALUE_BYTES, KEY_BYTES + VALUE_BYTES,
        map.size());
  }

  /**
   * Snapshot write and load of a map whose keys were written in random order: the LRU order a
   * snapshot stores is then far from key order, and the load's sort of the keys does all its
   * work (the rounds above write keys in key order, which the sort passes through in one sweep).
   */
  private static void measureShuffledSnapshot(
      byte[][] keys, byte[] value, SnapshotStore store, int rounds) throws IOException {
    LruTtlMap map = new LruTtlMap();
    for (int i : shuffled(keys.length)) {
      map.put(keys[i], value, OptionalLong.empty(), false, STAMP);
    }
    double[] writeMillis = new double[rounds];
    double[] loadMillis = new double[rounds];
    double[] loadCpuMillis = new double[rounds];
    double[] loadGcMillis = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      TermIndex at = TermIndex.valueOf(2, round + 1);
      long start = System.nanoTime();
      Path file = store.write(at, out -> SnapshotFormat.write(
          new LeasedMap(map, new LeaseTable()), new MemberDirectory(), at.getTerm(), at.getIndex(),
          out));
      writeMillis[round] = seconds(start) * 1000;
      LoadTiming load = new LoadTiming();
      LoadedSnapshot loaded = SnapshotFormat.read(file);
      loadMillis[round] = load.wallMillis();
      loadCpuMillis[round] = load.cpuMillis();
      loadGcMillis[round] = load.gcMillis();
      if (loaded.map().size() != keys.length) {
        throw new IllegalStateException("loaded " + loaded.map().size() + " entries");
      }
      Files.delete(file);
    }
    System.out.printf("keys written in random order, median of %d: snapshot written in %.0f ms "
        + "(with fsync), loaded in %.0f ms (%.0f ms CPU, %.0f ms collections)%n", rounds,
        median(writeMillis), median(loadMillis), median(loadCpuMillis), median(loadGcMillis));
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double percentile(double[] samples, double fraction) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)];
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
