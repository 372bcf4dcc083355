package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The built launcher, {@code target/pvctl/bin/pvctl}, run as a process of its own. */
final class Launcher implements PvctlRunner {
  static final Path SCRIPT = Path.of("target", "pvctl", "bin", "pvctl").toAbsolutePath();
  private static final long WAIT_SECONDS = 120;

  private final List<String> globalArgs;
  private final Map<String, String> environment;

  private Launcher(List<String> globalArgs, Map<String, String> environment) {
    this.globalArgs = List.copyOf(globalArgs);
    this.environment = Map.copyOf(environment);
  }

  /**
   * Runs with these arguments before each command's own, and with the launcher's class data
   * sharing archive ({@code PVCTL_CDS_DIR}, {@code target/cds}): each run then starts on about
   * two thirds of the CPU.
   */
  static Launcher withArgs(String... globalArgs) {
    assertThat(SCRIPT).as("the launcher is built by 'mvn package'").isExecutable();
    return new Launcher(List.of(globalArgs), Map.of("PVCTL_CDS_DIR", classArchive().toString()));
  }

  /**
   * Made once, before the runs that read it, by a run that fails to connect: the archive then
   * holds the classes of picocli, gRPC and Netty that every command loads.
   */
  private static synchronized Path classArchive() {
    Path dir = SCRIPT.getParent().getParent().resolveSibling("cds");
    try (Stream<Path> archives = Files.list(Files.createDirectories(dir))) {
      if (archives.noneMatch(file -> file.getFileName().toString().endsWith(".jsa"))) {
        PvctlRun run = new Launcher(List.of(), Map.of("PVCTL_CDS_DIR", dir.toString()))
            .run("--endpoints", "127.0.0.1:" + freePort(), "get", "cds");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The same launcher with one more environment variable. */
  Launcher withEnv(String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(environment);
    more.put(name, value);
    return new Launcher(globalArgs, more);
  }

  @Override
  public PvctlRun run(String... args) {
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
        return new PvctlRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
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
