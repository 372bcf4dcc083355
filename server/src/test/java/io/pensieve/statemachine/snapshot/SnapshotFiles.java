package io.pensieve.statemachine.snapshot;

import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.store.LeasedMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Snapshot files for the server's tests, written by the format's own writer: in this package to
 * reach the writer of version 1, the format before leases, which files saved by older builds
 * still have.
 */
public final class SnapshotFiles {
  private SnapshotFiles() {}

  /** The bytes of a current snapshot file holding {@code store}. */
  public static byte[] current(LeasedMap store) {
    return write(store, SnapshotFormat.FORMAT_VERSION);
  }

  /** The bytes of a version 1 snapshot file (no lease section) holding {@code store}. */
  public static byte[] withoutLeases(LeasedMap store) {
    return write(store, SnapshotFormat.FORMAT_VERSION_WITHOUT_LEASES);
  }

  private static byte[] write(LeasedMap store, int formatVersion) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      SnapshotFormat.write(store, MemberDirectory.of(List.of()), 1, 1, out, formatVersion);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
