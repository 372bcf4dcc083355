package io.pensieve.statemachine.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/** A snapshot file failed its checks; it was not loaded, and nothing of it was applied. */
public final class CorruptSnapshotException extends IOException {
  public CorruptSnapshotException(Path file, String reason) {
    super("snapshot " + file + " is corrupt and was not loaded: " + reason);
  }

  public CorruptSnapshotException(Path file, String reason, Throwable cause) {
    super("snapshot " + file + " is corrupt and was not loaded: " + reason, cause);
  }
}
