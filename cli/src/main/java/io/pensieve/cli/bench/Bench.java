package io.pensieve.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code pvctl bench}: the preload once if the workload reads, then one measurement per client
 * count, in the order given, each with fresh connections and its own warmup.
 */
public final class Bench {
  private Bench() {}

  public static BenchResult run(BenchPlan plan, Connector connector, Progress progress) {
    Optional<PreloadResult> preload = plan.preloads()
        ? Optional.of(Preload.run(connector, plan.keys(), progress))
        : Optional.empty();
    LevelRun run = new LevelRun(plan, connector, progress);
    List<LevelResult> levels = new ArrayList<>();
    for (int clients : plan.clientLevels()) {
      levels.add(run.run(clients));
    }
    return new BenchResult(plan, connector.endpoints(), preload, levels);
  }
}
