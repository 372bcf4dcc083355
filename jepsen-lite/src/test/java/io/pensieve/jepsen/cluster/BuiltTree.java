package io.pensieve.jepsen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** jepsen-lite's packaged tree, {@code target/jepsen-lite}, which the integration tests run. */
public final class BuiltTree {
  private BuiltTree() {}

  /**
   * Skips the calling test unless failsafe runs it, after {@code package} built the tree: a
   * {@code -Dtest} pattern such as {@code Bank*} names the integration tests {@code Bank*IT}
   * too, and surefire runs those before the tree exists (or on the tree of an earlier build).
   */
  public static void assumePackaged() {
    Assumptions.assumeTrue(Boolean.getBoolean("jepsen-lite.packaged"),
        "an integration test: failsafe runs it once the tree is packaged");
  }

  /**
   * The node's launcher in the tree, {@code bin/pensieve}, as {@code jepsen-lite run} uses it;
   * {@code mvn package} puts it there before the integration tests run.
   */
  public static Path nodeLauncher() {
    Path launcher = Path.of("target", "jepsen-lite", "bin", "pensieve").toAbsolutePath();
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(launcher + " is missing: it is built by "
          + "mvn -pl jepsen-lite -am package, which verify runs before the integration tests");
    }
    return launcher;
  }
}
