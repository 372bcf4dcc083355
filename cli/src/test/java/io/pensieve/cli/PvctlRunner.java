package io.pensieve.cli;

import java.util.Arrays;
import java.util.stream.Stream;

/** pvctl with arguments given before each command's own: as a process, or in this JVM. */
@FunctionalInterface
interface PvctlRunner {
  PvctlRun run(String... args);

  /** In this JVM: the commands as the launcher runs them, without a JVM start for each. */
  static PvctlRunner inProcess(String... globalArgs) {
    return args -> PvctlRun.of(Stream.concat(Arrays.stream(globalArgs), Arrays.stream(args))
        .toArray(String[]::new));
  }
}
