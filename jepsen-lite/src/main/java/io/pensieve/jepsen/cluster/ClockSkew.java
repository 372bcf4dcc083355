package io.pensieve.jepsen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each node's clock offset, applied through libfaketime when the node (re)starts.
 *
 * <p>The offset is fixed for the process's life: libfaketime shifts the wall clock and the
 * monotonic clock alike, and a constant shift of the monotonic clock is invisible to the
 * process, which only subtracts its readings. Moving the offset of a running process would
 * make its monotonic clock jump, which no real machine does; and leaving the monotonic clock
 * out (FAKETIME_DONT_FAKE_MONOTONIC) slowed the JVM several times over. So a node's clock is
 * skewed by restarting it with the new offset.
 */
public final class ClockSkew {
  private final Optional<Path> library;
  private final Map<String, Long> offsets = new ConcurrentHashMap<>();

  private ClockSkew(Optional<Path> library) {
    this.library = library;
  }

  /** Clocks left untouched. */
  public static ClockSkew none() {
    return new ClockSkew(Optional.empty());
  }

  /** Clocks that can be skewed, through the libfaketime at {@code library}. */
  public static ClockSkew through(Path library) {
    if (!Files.isRegularFile(library)) {
      throw new IllegalArgumentException("no libfaketime at " + library);
    }
    return new ClockSkew(Optional.of(library));
  }

  /** libfaketime from Debian's package, where the project's install script puts it. */
  public static Optional<Path> installedLibrary() {
    for (String arch : new String[] {"x86_64-linux-gnu", "aarch64-linux-gnu"}) {
      Path path = Path.of("/usr/lib", arch, "faketime", "libfaketime.so.1");
      if (Files.isRegularFile(path)) {
        return Optional.of(path);
      }
    }
    return Optional.empty();
  }

  /** The environment a node starts with: nothing unless its clock is skewed. */
  Optional<Map<String, String>> environment(String node) {
    long seconds = offsets.getOrDefault(node, 0L);
    if (seconds == 0 || library.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Map.of("LD_PRELOAD", library.get().toString(),
        "FAKETIME", (seconds < 0 ? "" : "+") + seconds + "s"));
  }

  /** The offset the node gets at its next start, in seconds from the real time (0: none). */
  public void set(String node, long seconds) {
    if (library.isEmpty() && seconds != 0) {
      throw new IllegalStateException("clocks cannot be skewed: no libfaketime");
    }
    offsets.put(node, seconds);
  }
}
