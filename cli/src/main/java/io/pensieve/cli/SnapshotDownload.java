package io.pensieve.cli;

import io.pensieve.proto.v1.SaveSnapshotRequest;
import io.pensieve.proto.v1.SnapshotChunk;
import io.pensieve.proto.v1.TakeSnapshotResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;

/**
 * A snapshot downloaded to a file: streamed into {@code FILE.part}, fsynced, then renamed to
 * {@code FILE} and the directory fsynced, so that {@code FILE} is whole or absent.
 */
final class SnapshotDownload {
  private final Path file;
  private final Path part;

  /** What was saved: the snapshot the node described, and the bytes written. */
  record Saved(TakeSnapshotResponse snapshot, long bytes) {}

  SnapshotDownload(Path file) {
    Path absolute = file.toAbsolutePath();
    this.file = absolute;
    this.part = absolute.resolveSibling(absolute.getFileName() + ".part");
  }

  /** Streams the snapshot from one node into the part file, from its start; fsyncs it. */
  Saved fetch(Stubs stubs) {
    Iterator<SnapshotChunk> chunks = stubs.admin().saveSnapshot(SaveSnapshotRequest.getDefaultInstance());
    TakeSnapshotResponse snapshot = TakeSnapshotResponse.getDefaultInstance();
    long bytes = 0;
    try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      while (chunks.hasNext()) {
        SnapshotChunk chunk = chunks.next();
        if (chunk.hasSnapshot()) {
          snapshot = chunk.getSnapshot();
        }
        for (var buffer : chunk.getData().asReadOnlyByteBufferList()) {
          while (buffer.hasRemaining()) {
            bytes += out.write(buffer);
          }
        }
      }
      out.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bytes == 0) {
      throw CliError.failed("the node sent an empty snapshot");
    }
    return new Saved(snapshot, bytes);
  }

  /** Renames the part file to the file and makes the rename durable. */
  void commit() {
    try {
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        directory.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the part file of a download that failed. */
  void discard() {
    try {
      Files.deleteIfExists(part);
    } catch (IOException e) {
      // nothing more to do: the part file's name says it is incomplete
    }
  }
}
