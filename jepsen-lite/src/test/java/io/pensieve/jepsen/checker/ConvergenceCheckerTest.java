package io.pensieve.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvergenceCheckerTest {
  @Test
  void equalDigestsConverge() {
    ConvergenceResult result = ConvergenceChecker.check(Map.of(
        "n1", new NodeDigest("abc", 42), "n2", new NodeDigest("abc", 42),
        "n3", new NodeDigest("abc", 42)));
    assertThat(result.converged()).isTrue();
    assertThat(result.differing()).isEmpty();
    assertThat(result.explanation()).isNull();
    assertThat(result.nodes()).containsOnlyKeys("n1", "n2", "n3");
  }

  @Test
  void theMinorityIsReportedAsDiffering() {
    ConvergenceResult result = ConvergenceChecker.check(Map.of(
        "n1", new NodeDigest("abc", 42), "n2", new NodeDigest("abd", 42),
        "n3", new NodeDigest("abc", 42)));
    assertThat(result.converged()).isFalse();
    assertThat(result.differing()).containsExactly("n2");
    assertThat(result.explanation())
        .isEqualTo("n2 has abd at index 42; 2 node(s) have abc at index 42");
  }

  @Test
  void aLaggingAppliedIndexIsADifference() {
    ConvergenceResult result = ConvergenceChecker.check(Map.of(
        "n1", new NodeDigest("abc", 42), "n2", new NodeDigest("abc", 40)));
    assertThat(result.converged()).isFalse();
    assertThat(result.differing()).containsExactly("n2");
  }

  @Test
  void noNodesIsNothingToDisagreeAbout() {
    assertThat(ConvergenceChecker.check(Map.of()).converged()).isTrue();
  }
}
