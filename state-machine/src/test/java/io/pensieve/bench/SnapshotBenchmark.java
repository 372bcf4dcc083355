package io.pensieve.bench;

import static io.pensieve.bench.Measures.key;
import static io.pensieve.bench.Measures.median;
import static io.pensieve.bench.Measures.shuffled;
import static io.pensieve.bench.Measures.usedHeapAfterGc;

import io.pensieve.bench.Measures.LoadTiming;
import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.statemachine.snapshot.LoadedSnapshot;
import io.pensieve.statemachine.snapshot.SnapshotFormat;
import io.pensieve.statemachine.snapshot.SnapshotStore;
import io.pensieve.store.GrantOutcome;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.WriteOutcome;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Snapshot write and load of the store at the size issue 19 bounds: 1,000,000 keys of 16 bytes
 * with 100-byte values, one in ten with a TTL, one in a hundred attached to one of 1,000 leases.
 * Two stores: keys written in key order (the load's sort of the keys passes through in one
 * sweep) and in random order (the snapshot's LRU order is then far from key order and the sort
 * does all its work). Each load is checked against the store written.
 *
 * <p>Not a test; run it with {@code bash bench/snapshot-bench.sh [entries] [rounds]}. Prints each
 * round and the median, with the loading thread's CPU time and the collectors' time beside the
 * wall time: on a shared machine the wall time is mostly waiting for a core. Also prints, once
 * per store, the heap a loaded store holds per entry beyond its key and value (TTLs and leases
 * included, so a little above the map bench's figure for plain entries).
 */
public final class SnapshotBenchmark {
  private static final int KEY_BYTES = 16;
  private static final int VALUE_BYTES = 100;
  private static final long STAMP = 1_700_000_000_000L;
  private static final int TTL_EVERY = 10;
  private static final int LEASED_EVERY = 100;
  private static final int LEASES = 1_000;

  public static void main(String[] args) throws IOException {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("snapshot-bench");
    System.out.printf("entries=%,d key=%d B value=%d B, a TTL on 1 in %d, 1 in %d on %,d leases,"
            + " rounds=%d, java=%s, %d cores, load average %.2f%n",
        entries, KEY_BYTES, VALUE_BYTES, TTL_EVERY, LEASED_EVERY, LEASES, rounds,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    SnapshotStore store = new SnapshotStore();
    store.open(dir);
    try {
      measure("keys written in key order", build(entries, false), store, rounds);
      measure("keys written in random order", build(entries, true), store, rounds);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  static LeasedMap build(int entries, boolean shuffled) {
    byte[] value = new byte[VALUE_BYTES];
    new SplittableRandom(1).nextBytes(value);
    LeasedMap store = new LeasedMap();
    for (int lease = 1; lease <= LEASES; lease++) {
      if (!(store.grant(lease, 3_600_000, STAMP) instanceof GrantOutcome.Granted)) {
        throw new IllegalStateException("lease " + lease + " not granted");
      }
    }
    int[] order = shuffled ? shuffled(entries) : IntStream.range(0, entries).toArray();
    for (int n = 0; n < entries; n++) {
      int i = order[n];
      OptionalLong ttl = i % TTL_EVERY == 0 ? OptionalLong.of(3_600_000 + i) : OptionalLong.of(0);
      long lease = i % LEASED_EVERY == 1 ? 1 + (i / LEASED_EVERY) % LEASES : 0;
      WriteOutcome outcome = store.put(key(i), value, ttl, lease, false, STAMP + n / 1000);
      if (!(outcome instanceof WriteOutcome.Stored)) {
        throw new IllegalStateException("put " + i + ": " + outcome);
      }
    }
    return store;
  }

  private static void measure(String what, LeasedMap source, SnapshotStore store, int rounds)
      throws IOException {
    byte[] digest = SnapshotFormat.digest(source, new MemberDirectory());
    double[] writeMillis = new double[rounds];
    double[] loadMillis = new double[rounds];
    double[] loadCpuMillis = new double[rounds];
    double[] loadGcMillis = new double[rounds];
    long fileBytes = 0;
    for (int round = 0; round < rounds; round++) {
      TermIndex at = TermIndex.valueOf(1, round + 1);
      long start = System.nanoTime();
      Path file = store.write(at, out -> SnapshotFormat.write(
          source, new MemberDirectory(), at.getTerm(), at.getIndex(), out));
      writeMillis[round] = (System.nanoTime() - start) / 1e6;
      fileBytes = Files.size(file);
      long heapBefore = round == 0 ? usedHeapAfterGc() : 0;
      LoadTiming load = new LoadTiming();
      LoadedSnapshot loaded = SnapshotFormat.read(file);
      loadMillis[round] = load.wallMillis();
      loadCpuMillis[round] = load.cpuMillis();
      loadGcMillis[round] = load.gcMillis();
      if (round == 0) {
        double perEntry = (double) (usedHeapAfterGc() - heapBefore) / loaded.map().size();
        System.out.printf("%s: the loaded store holds %.1f B of heap per entry, %.1f B beyond "
            + "its key and value%n", what, perEntry, perEntry - KEY_BYTES - VALUE_BYTES);
      }
      if (!Arrays.equals(digest, SnapshotFormat.digest(loaded.store(), loaded.members()))) {
        throw new IllegalStateException("the loaded store differs from the one written");
      }
      Files.delete(file);
      System.out.printf("%s, round %d: write %.0f ms, load %.0f ms (%.0f ms CPU, %.0f ms "
              + "collections)%n", what, round + 1, writeMillis[round], loadMillis[round],
          loadCpuMillis[round], loadGcMillis[round]);
    }
    System.out.printf("%s, median of %d: snapshot of %,d bytes written in %.0f ms (with fsync), "
            + "loaded in %.0f ms (%.0f ms CPU, %.0f ms collections); load average %.2f%n",
        what, rounds, fileBytes, median(writeMillis), median(loadMillis),
        median(loadCpuMillis), median(loadGcMillis),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
