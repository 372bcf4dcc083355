package io.pensieve.cli.bench;

import java.util.List;
import java.util.Optional;

/** A whole bench: what was asked, where, the preload if any, and one result per level. */
public record BenchResult(BenchPlan plan, List<String> endpoints, Optional<PreloadResult> preload,
                          List<LevelResult> levels) {
  public BenchResult {
    endpoints = List.copyOf(endpoints);
    levels = List.copyOf(levels);
  }
}
