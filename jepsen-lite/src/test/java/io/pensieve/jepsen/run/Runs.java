package io.pensieve.jepsen.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Short runs for the build: small, quick faults, on the test's own class path. */
final class Runs {
  private Runs() {}

  static RunOptions shortRun(Path store, List<String> nemeses, boolean staleReads) {
    Duration each = Duration.ofSeconds(4);
    return new RunOptions(3, Duration.ofSeconds(30), nemeses, each, each, 42, 10, 8, 150,
        staleReads, store, System.getProperty("java.class.path"), Duration.ofSeconds(30));
  }
}
