package io.pensieve.server.admin;

import com.google.protobuf.ByteString;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot file's contents into the cluster through the log: first its settings, then
 * its entries as puts in least-recently-used-first order, so the restored LRU order is the
 * saved one. Each entry keeps the time it had left to live; entries already expired are
 * skipped. Revisions are the target cluster's own. Like a write, the file is checked whole
 * (checksum, counts) before anything is written.
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
    var settings = kv.configure(SettingsMapping.toCommand(snapshot.map().settings()).build())
        .join().getSettings();
    Deque<CompletableFuture<PutResponse>> inFlight = new ArrayDeque<>();
    long[] counts = new long[2];
    long now = clockMillis.getAsLong();
    try {
      snapshot.map().forEachInLruOrder(entry -> {
        PutRequest.Builder put = PutRequest.newBuilder()
            .setKey(slice(entry, entry.keyOffset(), entry.keyLength()))
            .setValue(slice(entry, entry.valueOffset(), entry.valueLength()))
            .setTtlMillis(0);
        if (entry.expireAtMillis() != 0) {
          long left = entry.expireAtMillis() - now;
          if (left <= 0) {
            counts[1]++;
            return;
          }
          put.setTtlMillis(left);
        }
        if (inFlight.size() == WINDOW) {
          inFlight.poll().join();
        }
        inFlight.add(kv.put(put.build()));
        counts[0]++;
      });
    } catch (IOException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INTERNAL, "reading the snapshot failed: " + e);
    }
    inFlight.forEach(CompletableFuture::join);
    LOG.info("Restored {} entries from snapshot {} (term {}, index {}) in {} ms; {} had expired",
        counts[0], file.getFileName(), snapshot.term(), snapshot.index(),
        (System.nanoTime() - startNanos) / 1_000_000, counts[1]);
    return RestoreSnapshotResponse.newBuilder().setRestored(counts[0])
        .setSkippedExpired(counts[1]).setSettings(settings).build();
  }

  private static ByteString slice(EntryView entry, int offset, int length) {
    return ByteString.copyFrom(Arrays.copyOfRange(entry.buffer(), offset, offset + length));
  }
}
