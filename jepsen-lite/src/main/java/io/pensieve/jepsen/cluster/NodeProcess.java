package io.pensieve.jepsen.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One node of the cluster under test: a {@code pensieve} JVM of its own, started by the node's
 * launcher {@code bin/pensieve} as a deployed node is, with the launcher's collector and
 * compiler, and its own data directory, log file and name resolution.
 *
 * <p>Its ports stay the same across restarts. Other members reach it by the name
 * {@code <id>.pensieve.test}, which each node's own hosts file maps to the proxy of that one
 * link (see {@link Network}); the runner's clients reach it directly on 127.0.0.1.
 */
public final class NodeProcess {
  static final String NAME_SUFFIX = ".pensieve.test";
  /** The heap only (several nodes share the machine); the launcher sets every other flag. */
  private static final String HEAP = "-Xms256m -Xmx256m";

  private final String id;
  private final int restPort;
  private final int grpcPort;
  private final int raftPort;
  private final Path dir;
  private final Path launcher;
  private final ClockSkew clock;
  private Process process;

  NodeProcess(String id, Ports ports, Path dir, Path launcher, ClockSkew clock) {
    this.id = id;
    this.restPort = ports.rest();
    this.grpcPort = ports.grpc();
    this.raftPort = ports.raft();
    this.dir = dir;
    this.launcher = launcher;
    this.clock = clock;
  }

  /** A node's three ports. */
  public record Ports(int rest, int grpc, int raft) {
    List<Integer> all() {
      return List.of(rest, grpc, raft);
    }
  }

  public String id() {
    return id;
  }

  public Ports ports() {
    return new Ports(restPort, grpcPort, raftPort);
  }

  /** The name other members know this node by. */
  public String hostName() {
    return id + NAME_SUFFIX;
  }

  /** The Raft address members and membership changes use. */
  public String raftAddress() {
    return hostName() + ":" + raftPort;
  }

  public String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  public String grpcAddress() {
    return "127.0.0.1:" + grpcPort;
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path logFile() {
    return dir.resolve(id + ".log");
  }

  Path hostsFile() {
    return dir.resolve("hosts");
  }

  /**
   * Starts the node, as a founding member ({@code peers} the whole cluster) or, with
   * {@code join}, waiting to be added.
   */
  public synchronized void start(String peers, boolean join) throws IOException {
    if (alive()) {
      throw new IllegalStateException(id + " is already running");
    }
    Files.createDirectories(dataDir());
    List<String> command = new ArrayList<>(List.of(launcher.toString(),
        "--node-id", id, "--listen-host", "127.0.0.1", "--advertise-host", hostName(),
        "--port", Integer.toString(restPort), "--grpc-port", Integer.toString(grpcPort),
        "--raft-port", Integer.toString(raftPort), "--data-dir", dataDir().toString()));
    if (join) {
      command.add("--join");
    } else {
      command.addAll(List.of("--peers", peers));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("PENSIEVE_"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    // the launcher splits these into words, so the path must hold no space
    if (hostsFile().toString().chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalStateException("a node's directory must have no space in its path: "
          + dir);
    }
    env.put("PENSIEVE_JAVA_OPTS", HEAP + " -Djdk.net.hosts.file=" + hostsFile());
    clock.environment(id).ifPresent(env::putAll);
    process = builder.start();
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed that was not already. */
  public void kill() throws InterruptedException {
    Process running = current();
    if (running != null) {
      running.destroyForcibly();
      running.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM, then the node's graceful shutdown; SIGKILL if that takes too long. */
  public void stop() throws InterruptedException {
    Process running = current();
    if (running != null) {
      running.destroy();
      if (!running.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  /** SIGSTOP: the process is frozen with its sockets open, as in a long GC pause. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  /** Deletes the data directory; the node must be stopped. */
  public void wipe() throws IOException {
    if (alive()) {
      throw new IllegalStateException(id + " is running");
    }
    try (Stream<Path> files = Files.walk(dataDir())) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process running = current();
    if (running == null || !running.isAlive()) {
      return;
    }
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(running.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + running.pid() + " failed");
    }
  }

  private synchronized Process current() {
    return process;
  }

  @Override
  public String toString() {
    return id;
  }
}
