package io.pensieve.server.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.server.PensieveMain;
import io.pensieve.server.grpc.KvClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit status a supervisor sees: a node whose state machine halted exits
 * {@link PensieveMain#EXIT_HALTED} when stopped, not 143 as a clean stop does. The log holds a
 * compare-and-set written by this build (killed, so that no snapshot on stop holds it instead);
 * a build that predates compare-and-set replays it at start and halts there.
 */
class HaltedNodeExitIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Pattern STARTED = Pattern.compile(" started: REST [^,]*:(\\d+),");

  @TempDir
  Path dir;

  @Test
  void aNodeThatHaltedExitsSeventyWhenStopped() throws Exception {
    // given a one-member group whose log holds a compare-and-set, killed before any snapshot
    Path data = dir.resolve("n1");
    int raftPort = NodeProcess.freePort();
    int grpcPort = NodeProcess.freePort();
    try (NodeProcess node = NodeProcess.start(List.of("--node-id", "n1",
            "--data-dir", data.toString(), "--listen-host", "127.0.0.1", "--port", "0",
            "--grpc-port", String.valueOf(grpcPort), "--raft-port", String.valueOf(raftPort)),
            Map.of(), dir.resolve("n1.log"));
        KvClient client = KvClient.connect(grpcPort)) {
      await("the compare-and-set").atMost(PATIENCE).ignoreExceptions()
          .until(() -> client.kv().compareAndSet(CompareAndSetRequest.newBuilder()
              .setKey(KvClient.utf8("k")).setValue(KvClient.utf8("v"))
              .setCondition(Condition.newBuilder().setAbsent(true)).build()).getSucceeded());
      node.kill();
    }

    // when a build that cannot apply it starts on that log
    Path log = dir.resolve("older.log");
    Process older = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        NodeProcess.JAVA_OPTS, "-cp", System.getProperty("java.class.path"),
        "io.pensieve.server.OlderBuildMain", "--node-id", "n1", "--data-dir", data.toString(),
        "--listen-host", "127.0.0.1", "--port", "0", "--grpc-port", "0",
        "--raft-port", String.valueOf(raftPort)))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // then it serves only to say why, /health answering 503 ...
      int restPort = await("the node's start").atMost(PATIENCE)
          .until(() -> restPort(log), Optional::isPresent).orElseThrow();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health = await("the halt on /health").atMost(PATIENCE)
          .ignoreExceptions()
          .until(() -> http.send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + restPort + "/health")).build(),
              HttpResponse.BodyHandlers.ofString()), reply -> reply.statusCode() == 503
              && reply.body().contains("halted"));
      assertThat(health.body()).contains("compare_and_set");
      assertThat(Files.readString(log)).contains("stops applying the log");

      // ... and stopped, exits 70
      older.destroy();
      assertThat(older.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .as("exited on SIGTERM").isTrue();
      assertThat(older.exitValue()).as(Files.readString(log)).isEqualTo(PensieveMain.EXIT_HALTED);
    } finally {
      older.destroyForcibly();
    }
  }

  private static Optional<Integer> restPort(Path log) throws java.io.IOException {
    Matcher started = STARTED.matcher(Files.readString(log));
    return started.find() ? Optional.of(Integer.parseInt(started.group(1))) : Optional.empty();
  }
}
