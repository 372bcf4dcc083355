package io.pensieve.jepsen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/** jepsen-lite's packaged tree, {@code target/jepsen-lite}, which the integration tests run. */
public final class BuiltTree {
  private BuiltTree() {}

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
