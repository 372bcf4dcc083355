package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built launcher, {@code target/pvctl/bin/pvctl}, run as a process of its own. */
final class Launcher {
  static final Path SCRIPT = Path.of("target", "pvctl", "bin", "pvctl").toAbsolutePath();
  private static final long WAIT_SECONDS = 120;

  private final List<String> globalArgs;
  private final Map<String, String> environment;

  private Launcher(List<String> globalArgs, Map<String, String> environment) {
    this.globalArgs = List.copyOf(globalArgs);
    this.environment = Map.copyOf(environment);
  }

  /** Runs with these arguments before each command's own. */
  static Launcher withArgs(String... globalArgs) {
    assertThat(SCRIPT).as("the launcher is built by 'mvn package'").isExecutable();
    return new Launcher(List.of(globalArgs), Map.of());
  }

  /** The same launcher with one more environment variable. */
  Launcher withEnv(String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(environment);
    more.put(name, value);
    return new Launcher(globalArgs, more);
  }

  /** What one run printed, and its exit code. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(globalArgs);
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("pvctl-out-", ".txt");
      Path err = Files.createTempFile("pvctl-err-", ".txt");
      try {
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().remove("PENSIEVE_ENDPOINTS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("pvctl " + String.join(" ", args) + " did not exit in "
              + WAIT_SECONDS + " s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
