package io.pensieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BenchPlanTest {

  private static BenchPlan mixed(double readRatio) {
    return plan(Workload.MIXED, List.of(4), 1, readRatio, 100);
  }

  private static BenchPlan plan(Workload workload, List<Integer> clients, int inFlight,
      double readRatio, int valueSize) {
    return new BenchPlan(workload, Api.REST, clients, inFlight, OptionalDouble.empty(),
        Duration.ofSeconds(1), Duration.ZERO, 1000, valueSize, false, readRatio, 1, true,
        Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.01, Double.NaN})
  void aReadRatioOutsideZeroToOneIsRefused(double readRatio) {
    assertThatThrownBy(() -> mixed(readRatio)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--read-ratio must be between 0 and 1");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.9, 1})
  void aMixCanBeAnythingFromWritesOnlyToReadsOnly(double readRatio) {
    assertThat(mixed(readRatio).readRatio()).isEqualTo(readRatio);
  }

  @Test
  void putAndGetHaveTheirOwnReadRatio() {
    assertThatThrownBy(() -> plan(Workload.PUT, List.of(1), 1, 0.5, 100))
        .hasMessage("put has a read ratio of 0, got 0.5");
    assertThatThrownBy(() -> plan(Workload.GET, List.of(1), 1, 0, 100))
        .hasMessage("get has a read ratio of 1, got 0.0");
  }

  @Test
  void clientCountsArePositiveDistinctAndWithinTheInFlightCeiling() {
    assertThatThrownBy(() -> plan(Workload.PUT, List.of(), 1, 0, 100))
        .hasMessageContaining("at least one count");
    assertThatThrownBy(() -> plan(Workload.PUT, List.of(1, 0), 1, 0, 100))
        .hasMessage("--clients must be at least 1, got 0");
    assertThatThrownBy(() -> plan(Workload.PUT, List.of(4, 16, 4), 1, 0, 100))
        .hasMessageContaining("lists a count twice");
    assertThatThrownBy(() -> plan(Workload.PUT, List.of(1), 0, 0, 100))
        .hasMessage("--in-flight must be at least 1, got 0");
    assertThatThrownBy(() -> plan(Workload.PUT, List.of(1, 1024), 16, 0, 100))
        .hasMessage("--clients 1024 x --in-flight 16 is more than 10000 requests in flight");
  }

  @Test
  void valuesAreBetweenEmptyAndTheLargestAClusterTakes() {
    assertThat(plan(Workload.PUT, List.of(1), 1, 0, 0).valueSize()).isZero();
    assertThatThrownBy(() -> plan(Workload.PUT, List.of(1), 1, 0, -1))
        .hasMessageStartingWith("--value-size must be between 0 and 4194304");
  }

  @Test
  void onlyReadingWorkloadsPreloadAndAListOfCountsIsASweep() {
    assertThat(plan(Workload.PUT, List.of(1), 1, 0, 100).preloads()).isFalse();
    assertThat(mixed(0.5).preloads()).isTrue();
    assertThat(mixed(0.5).sweep()).isFalse();
    assertThat(plan(Workload.PUT, List.of(1, 4, 16), 1, 0, 100).sweep()).isTrue();
  }
}
