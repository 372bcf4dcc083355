package io.pensieve.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/** Plans for tests: short runs on a small key space. */
final class Plans {
  private Plans() {}

  static BenchPlan closedLoop(Workload workload, int clients, int inFlight, Duration warmup,
      Duration duration) {
    return plan(workload, clients, inFlight, OptionalDouble.empty(), warmup, duration);
  }

  static BenchPlan openLoop(Workload workload, int clients, int inFlight, double rate,
      Duration warmup, Duration duration) {
    return plan(workload, clients, inFlight, OptionalDouble.of(rate), warmup, duration);
  }

  private static BenchPlan plan(Workload workload, int clients, int inFlight,
      OptionalDouble rate, Duration warmup, Duration duration) {
    double readRatio = switch (workload) {
      case PUT -> 0;
      case GET -> 1;
      case MIXED -> 0.5;
    };
    return new BenchPlan(workload, Api.GRPC, List.of(clients), inFlight, rate, duration, warmup,
        100, 10, false, readRatio, 7, true, Duration.ofSeconds(2));
  }
}
