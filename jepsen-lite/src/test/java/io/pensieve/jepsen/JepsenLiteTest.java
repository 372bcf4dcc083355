package io.pensieve.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line refuses what it cannot run before starting anything. */
class JepsenLiteTest {
  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine line = new CommandLine(new JepsenLite());
    line.setErr(new PrintWriter(err));
    line.setOut(new PrintWriter(out));
    return line.execute(args);
  }

  @Test
  void anUnknownNemesisIsAUsageErrorThatListsTheChoices() {
    assertThat(run("run", "--nemesis", "kill,meteor")).isEqualTo(2);
    assertThat(err.toString()).contains("no nemesis 'meteor'")
        .contains("partition-leader").contains("clock");
  }

  @Test
  void sizesMustBePositive() {
    assertThat(run("run", "--clients", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("must be positive");
  }

  @Test
  void helpShowsTheIssueExample() {
    assertThat(run("run", "--help")).isZero();
    assertThat(out.toString())
        .contains("jepsen-lite run --nodes 5 --time 300 --nemesis partition,kill --seed 42");
  }
}
