package io.pensieve.server.admin;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.statemachine.SettingsMapping;
import io.pensieve.statemachine.snapshot.CorruptSnapshotException;
import io.pensieve.statemachine.snapshot.LoadedSnapshot;
import io.pensieve.statemachine.snapshot.SnapshotFormat;
import io.pensieve.store.EntryView;
import io.pensieve.store.LeasedMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot file's contents into the cluster through the log: first its leases, under
 * their own ids ({@link LeaseRestore}), then its settings, then its entries as puts in
 * least-recently-used-first order, so the restored LRU order is the saved one, each leased key
 * attached to its lease again. Each entry keeps the time it had left to live; entries already
 * expired are skipped. A lease starts with its full TTL from the end of the restore, kept alive
 * while the entries are written. Revisions are the target cluster's own. Like a write, the file
 * is checked whole (checksum, counts) before anything is written, and so is whether its leases
 * fit the cluster (ids free, max_leases).
 */
final class SnapshotRestore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRestore.class);
  /** Puts in flight at once: enough to fill the write batches, bounded for a huge file. */
  private static final int WINDOW = 4096;

  private final KvService kv;
  private final LongSupplier clockMillis;

  SnapshotRestore(KvService kv, LongSupplier clockMillis) {
    this.kv = kv;
    this.clockMillis = clockMillis;
  }

  RestoreSnapshotResponse restore(Path file) {
    LoadedSnapshot snapshot;
    try {
      snapshot = SnapshotFormat.read(file);
    } catch (CorruptSnapshotException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "not a valid snapshot: "
          + e.getMessage());
    } catch (IOException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INTERNAL, "reading the upload failed: " + e);
    }
    long startNanos = System.nanoTime();
    LeaseRestore leases = new LeaseRestore(kv, snapshot.store().leases());
    leases.checkFits();
    Progress progress = new Progress(leases.size(), snapshot.map().size());
    RestoreSnapshotResponse response;
    try (LeaseKeeper keeper = new LeaseKeeper(kv)) {
      leases.grantAll(keeper);
      try {
        response = writeSettingsAndEntries(snapshot, progress);
        // one last renewal, so that each lease's full TTL counts from the end of the restore
        keeper.stop();
        List<Long> gone = keeper.renewNow();
        if (!gone.isEmpty()) {
          LOG.warn("Restored leases {} were revoked before the restore ended", gone);
        }
      } catch (RuntimeException e) {
        KvException failure = KvException.from(e);
        throw new KvException(failure.code(), progress.describe() + ": "
            + failure.getMessage());
      }
    }
    LOG.info("Restored {} leases and {} entries from snapshot {} (term {}, index {}) in {} ms;"
        + " {} entries had expired", leases.size(), response.getRestored(), file.getFileName(),
        snapshot.term(), snapshot.index(), (System.nanoTime() - startNanos) / 1_000_000,
        response.getSkippedExpired());
    return response.toBuilder().setLeases(leases.size()).build();
  }

  private RestoreSnapshotResponse writeSettingsAndEntries(
      LoadedSnapshot snapshot, Progress progress) {
    var settings = kv.configure(SettingsMapping.toCommand(snapshot.map().settings()).build())
        .join().getSettings();
    progress.settingsWritten = true;
    LeasedMap store = snapshot.store();
    Deque<CompletableFuture<PutResponse>> inFlight = new ArrayDeque<>();
    long now = clockMillis.getAsLong();
    try {
      store.map().forEachInLruOrder(entry -> {
        byte[] key = Arrays.copyOfRange(
            entry.buffer(), entry.keyOffset(), entry.keyOffset() + entry.keyLength());
        PutRequest.Builder put = PutRequest.newBuilder()
            // a fresh copy, owned by the request from here on
            .setKey(UnsafeByteOperations.unsafeWrap(key))
            .setValue(slice(entry, entry.valueOffset(), entry.valueLength()))
            .setTtlMillis(0)
            .setLease(store.leaseOf(key));
        if (entry.expireAtMillis() != 0) {
          long left = entry.expireAtMillis() - now;
          if (left <= 0) {
            progress.skippedExpired++;
            return;
          }
          put.setTtlMillis(left);
        }
        if (inFlight.size() == WINDOW) {
          inFlight.poll().join();
          progress.entriesWritten++;
        }
        inFlight.add(kv.put(put.build()));
      });
    } catch (IOException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INTERNAL, "reading the snapshot failed: " + e);
    }
    while (!inFlight.isEmpty()) {
      inFlight.poll().join();
      progress.entriesWritten++;
    }
    return RestoreSnapshotResponse.newBuilder().setRestored(progress.entriesWritten)
        .setSkippedExpired(progress.skippedExpired).setSettings(settings).build();
  }

  /** What a restore wrote so far, for a failure to say once some of it is written. */
  private static final class Progress {
    final int leases;
    final long entries;
    boolean settingsWritten;
    long entriesWritten;
    long skippedExpired;

    Progress(int leases, long entries) {
      this.leases = leases;
      this.entries = entries;
    }

    String describe() {
      return "the restore stopped after writing the snapshot's " + leases + " leases, "
          + (settingsWritten ? "its settings" : "not its settings") + " and " + entriesWritten
          + " of its " + entries + " entries (puts acknowledged in LRU order; others may have"
          + " been written too)";
    }
  }

  private static ByteString slice(EntryView entry, int offset, int length) {
    return ByteString.copyFrom(Arrays.copyOfRange(entry.buffer(), offset, offset + length));
  }
}
