package io.pensieve.jepsen.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunOptionsTest {
  private static RunOptions registerRun() {
    return new RunOptions(3, Duration.ofSeconds(60), List.of("kill"), Duration.ofSeconds(10),
        Duration.ofSeconds(10), 1, 10, 8, 200, false, Duration.ofSeconds(12), Path.of("store"),
        Path.of("bin/pensieve"), Duration.ofSeconds(60));
  }

  @Test
  void aRunIsOfTheRegistersUnlessItSaysOtherwise() {
    assertThat(registerRun().workload()).isEqualTo(WorkloadName.REGISTER);
    assertThat(registerRun().describe()).containsEntry("workload", "register")
        .containsEntry("nodes", 3).containsEntry("keys", 8);
  }

  @Test
  void theBankIsRecordedAsTheRunsWorkload() {
    RunOptions bank = registerRun().withWorkload(WorkloadName.BANK);
    assertThat(bank.workload()).isEqualTo(WorkloadName.BANK);
    assertThat(bank.describe()).containsEntry("workload", "bank");
    assertThat(bank.withWorkload(WorkloadName.REGISTER)).isEqualTo(registerRun());
  }

  @Test
  void aSessionsRunRecordsNoneOfTheRegistersSettings() {
    RunOptions sessions = registerRun().withWorkload(WorkloadName.SESSIONS);
    assertThat(sessions.describe()).containsEntry("workload", "sessions")
        .containsEntry("clients", registerRun().clients())
        .doesNotContainKeys("keys", "rate", "stale_reads");
  }

  @Test
  void workloadsAreNamedAsTheCommandLineWritesThem() {
    assertThat(WorkloadName.parse("bank")).isEqualTo(WorkloadName.BANK);
    assertThat(WorkloadName.parse("register")).isEqualTo(WorkloadName.REGISTER);
    assertThatThrownBy(() -> WorkloadName.parse("BANK"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown workload 'BANK': register or bank");
  }
}
