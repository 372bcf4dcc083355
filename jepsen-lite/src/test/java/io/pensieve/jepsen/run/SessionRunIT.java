package io.pensieve.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.jepsen.checker.SessionResult;
import io.pensieve.jepsen.cluster.BuiltTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 30 s of the sessions workload on three node processes, the leader or another node killed
 * with -9 now and then: no lease expires early, revocation and delete-range are atomic and
 * durable once acknowledged, every lease left alone expires, and the replicas converge.
 */
class SessionRunIT {
  @Test
  void leasesUnderKillsKeepEveryRule(@TempDir Path store) throws Exception {
    Duration each = Duration.ofSeconds(5);
    RunResult result = new TestRun(new RunOptions(3, Duration.ofSeconds(30),
        List.of("kill"), each, each, 42, 6, 8, 150, false, Duration.ofSeconds(12), store,
        BuiltTree.nodeLauncher(), Duration.ofSeconds(30), WorkloadName.SESSIONS)).run();

    assertThat(result.valid()).as(result.oneLine()).isTrue();
    SessionResult sessions = result.sessionsReport().orElseThrow().sessions();
    assertThat(sessions.sessions()).isGreaterThan(6);
    assertThat(sessions.earlyExpiryReads()).as("reads rule 1 applied to").isPositive();
    assertThat(sessions.finalReads()).isEqualTo(3);
    assertThat(Files.readString(result.directory().resolve("nemesis.jsonl")))
        .contains("\"name\":\"kill\"");
    JsonNode summary = new ObjectMapper()
        .readTree(result.directory().resolve("summary.json").toFile());
    assertThat(summary.path("workload").asText()).isEqualTo("sessions");
    assertThat(summary.path("counts").path("keep_alive").path("ok").asInt()).isPositive();
    assertThat(result.directory().resolve("timeline.html")).isNotEmptyFile();
    assertThat(result.directory().resolve("summary.txt")).isNotEmptyFile();
  }
}
