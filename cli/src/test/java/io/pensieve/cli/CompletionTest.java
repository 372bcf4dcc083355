package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionTest {

  @Test
  void bashCompletionCoversEveryCommand() {
    PvctlRun run = PvctlRun.of("completion", "bash");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .contains("complete -F _complete_pvctl")
        .contains("get put del cas txn lease member leader status stats health snapshot"
            + " config completion")
        .contains("--endpoints")
        .contains("_picocli_pvctl_member_add");
  }

  @Test
  void zshCompletionLoadsBashcompinitFirst() {
    PvctlRun run = PvctlRun.of("completion", "zsh");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("bashcompinit").contains("complete -F _complete_pvctl");
    assertThat(run.out().indexOf("bashcompinit")).isLessThan(run.out().indexOf("complete -F"));
  }

  @Test
  void bashAcceptsTheScript(@TempDir Path dir) throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(Files.isExecutable(bash), "no bash on this machine");
    Path script = dir.resolve("pvctl-completion.bash");
    Files.writeString(script, PvctlRun.of("completion", "bash").out());

    Process check = new ProcessBuilder(bash.toString(), "-n", script.toString())
        .redirectErrorStream(true).start();

    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue())
        .as(new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
  }
}
