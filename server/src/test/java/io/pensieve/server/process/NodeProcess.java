package io.pensieve.server.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code pensieve} node in a JVM of its own, started as every node is: by the launcher
 * {@code bin/pensieve} of the server's packaged tree ({@code server/target}, which
 * {@code mvn package} builds before the integration tests run), with the JVM flags it sets.
 *
 * <p>The nodes share a class data sharing archive (the launcher's {@code PENSIEVE_CDS_DIR}),
 * made once per test JVM by one node started alone and stopped: with the launcher's collector
 * and compiler a node's start took about 10 s of CPU, twice what the tests' former SerialGC and
 * C1 took, and with the archive it takes about 5 s again.
 */
public final class NodeProcess implements AutoCloseable {
  /**
   * Only the heap: several nodes and the build share two cores. The collector and the compiler
   * are the launcher's, those a deployed node runs.
   */
  static final String JAVA_OPTS = "-Xmx256m";
  private static final Pattern STARTED = Pattern.compile(" started: REST [^,]*:(\\d+),");
  private static final Duration ARCHIVE_DEADLINE = Duration.ofMinutes(3);
  /** The archive's directory, once made; empty if it could not be. */
  private static Optional<Path> classArchive;

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
    Optional<Path> archive = classArchive();
    nodeEnvironment(builder, archive);
    builder.environment().putAll(env);
    return new NodeProcess(builder.start(), log);
  }

  private static void nodeEnvironment(ProcessBuilder builder, Optional<Path> classArchive) {
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("PENSIEVE_"));
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.put("PENSIEVE_JAVA_OPTS", JAVA_OPTS);
    classArchive.ifPresent(dir -> environment.put("PENSIEVE_CDS_DIR", dir.toString()));
  }

  /**
   * {@code server/target/cds}: made on the first call by a node started alone with the
   * launcher's {@code PENSIEVE_CDS_DIR}, sent a write and a read, and stopped with SIGTERM, as
   * the JVM writes the archive when it exits. The nodes are given the directory only once the
   * archive is there, so that they read it rather than each write it.
   */
  private static synchronized Optional<Path> classArchive() throws IOException {
    if (classArchive == null) {
      // the launcher names the archive after the jars, and writes another when they change
      Path dir = Files.createDirectories(launcher().getParent().resolveSibling("cds"));
      Path work = Files.createTempDirectory("pensieve-cds");
      Path log = work.resolve("node.log");
      ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "--node-id", "cds",
          "--listen-host", "127.0.0.1", "--port", "0", "--grpc-port", "0", "--raft-port", "0",
          "--data-dir", work.resolve("data").toString())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      nodeEnvironment(builder, Optional.of(dir));
      Process node = builder.start();
      try {
        int port = await("the archiving node's start").atMost(ARCHIVE_DEADLINE)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> restPort(log, node), Optional::isPresent).orElseThrow();
        exercise(port);
        node.destroy();
        if (!node.waitFor(ARCHIVE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("the archiving node did not stop");
        }
      } catch (RuntimeException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        node.destroyForcibly();
        System.err.println("No class data sharing archive; nodes start without one: " + e);
      } finally {
        try (Stream<Path> files = Files.walk(work)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
      try (Stream<Path> files = Files.list(dir)) {
        boolean made = files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"));
        classArchive = made ? Optional.of(dir) : Optional.empty();
      }
    }
    return classArchive;
  }

  /** The REST port the node logged, once it has; fails if the node exited first. */
  private static Optional<Integer> restPort(Path log, Process node) throws IOException {
    Matcher started = STARTED.matcher(Files.readString(log));
    if (started.find()) {
      return Optional.of(Integer.parseInt(started.group(1)));
    }
    if (!node.isAlive()) {
      throw new IllegalStateException("the archiving node exited: " + Files.readString(log));
    }
    return Optional.empty();
  }

  /** A write and a read, so that the archive holds the classes serving them. */
  private static void exercise(int port) {
    HttpClient http = HttpClient.newHttpClient();
    URI key = URI.create("http://127.0.0.1:" + port + "/v1/kv/cds");
    await("the archiving node's write").atMost(ARCHIVE_DEADLINE).ignoreExceptions()
        .until(() -> http.send(HttpRequest.newBuilder(key)
            .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"x\"}")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    await("the archiving node's read").atMost(ARCHIVE_DEADLINE).ignoreExceptions()
        .until(() -> http.send(HttpRequest.newBuilder(key).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
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
