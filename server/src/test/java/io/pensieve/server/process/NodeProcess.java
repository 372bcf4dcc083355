package io.pensieve.server.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code pensieve} node in a JVM of its own, started as every node is: by the launcher
 * {@code bin/pensieve} of the server's packaged tree ({@code server/target}, which
 * {@code mvn package} builds before the integration tests run), with the JVM flags it sets.
 */
public final class NodeProcess implements AutoCloseable {
  /**
   * Only the heap: several nodes and the build share two cores. The collector and the compiler
   * are the launcher's, those a deployed node runs.
   */
  static final String JAVA_OPTS = "-Xmx256m";

  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code pensieve} with these flags and environment variables; the command line and
   * the node's output are appended to {@code log}.
   */
  public static NodeProcess start(List<String> flags, Map<String, String> env, Path log)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(launcher().toString()));
    command.addAll(flags);
    Files.writeString(log, "---- PENSIEVE_JAVA_OPTS=" + JAVA_OPTS + " "
        + String.join(" ", command) + System.lineSeparator(),
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("PENSIEVE_"));
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.put("PENSIEVE_JAVA_OPTS", JAVA_OPTS);
    environment.putAll(env);
    return new NodeProcess(builder.start(), log);
  }

  /** {@code server/target/bin/pensieve}, found from the module or repository a test runs in. */
  static Path launcher() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("deploy/bin/pensieve"))) {
        Path launcher = dir.resolve("server/target/bin/pensieve");
        if (!Files.isExecutable(launcher)) {
          throw new IllegalStateException(launcher + " is missing: the node's tree is built by "
              + "mvn -pl server -am package, which verify runs before the integration tests");
        }
        return launcher;
      }
    }
    throw new IllegalStateException(
        "no deploy/bin/pensieve above " + Path.of("").toAbsolutePath());
  }

  /** A port free right now, found by binding port 0: processes cannot report theirs back. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, with no shutdown hook run, and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the node survived SIGKILL");
    }
  }

  /** SIGTERM; the exit code if the process ended within {@code grace}, else empty. */
  public Optional<Integer> terminate(Duration grace) throws InterruptedException {
    process.destroy();
    return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(process.exitValue()) : Optional.empty();
  }

  /** The last lines the node printed, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(System.lineSeparator(),
          lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
