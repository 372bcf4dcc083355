package io.pensieve.jepsen.run;

import io.pensieve.jepsen.cluster.BuiltTree;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Short runs for the build: small, quick faults, nodes started from the packaged tree. */
final class Runs {
  private static final Duration CHECK_BUDGET = Duration.ofSeconds(30);

  private Runs() {}

  /** 30 s of kill and partition, each fault 4 s after 4 quiet ones. */
  static RunOptions smoke(Path store) {
    Duration each = Duration.ofSeconds(4);
    return new RunOptions(3, Duration.ofSeconds(30), List.of("kill", "partition"), each, each,
        42, 10, 8, 150, false, Duration.ofSeconds(12), store, BuiltTree.nodeLauncher(),
        CHECK_BUDGET);
  }

  /**
   * 30 s of the leader cut off for 8 s at a time, reads at consistency=stale. Clients give up on
   * an operation after 1 s, so that those of the cut-off node, whose writes hang, go on reading
   * from it while the majority writes.
   */
  static RunOptions staleReadsUnderPartition(Path store) {
    return new RunOptions(3, Duration.ofSeconds(30), List.of("partition-leader"),
        Duration.ofSeconds(3), Duration.ofSeconds(8), 42, 10, 8, 150, true,
        Duration.ofSeconds(1), store, BuiltTree.nodeLauncher(), CHECK_BUDGET);
  }

  /** 20 s of the bank on three nodes, no faults: ten clients, 100 operations/s. */
  static RunOptions bank(Path store) {
    return new RunOptions(3, Duration.ofSeconds(20), List.of(), Duration.ofSeconds(4),
        Duration.ofSeconds(4), 7, 10, 8, 100, false, Duration.ofSeconds(12), store,
        BuiltTree.nodeLauncher(), CHECK_BUDGET, WorkloadName.BANK);
  }
}
