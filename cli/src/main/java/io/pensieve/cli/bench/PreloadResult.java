package io.pensieve.cli.bench;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The writes of every key before a read workload, reported apart from the measurement. */
public record PreloadResult(int keys, double seconds, Map<String, Long> errorsByKind) {
  public PreloadResult {
    errorsByKind = Collections.unmodifiableMap(new TreeMap<>(errorsByKind));
  }

  /** Keys written. */
  public long written() {
    return keys - errors();
  }

  public double opsPerSecond() {
    return seconds > 0 ? written() / seconds : 0;
  }

  public long errors() {
    return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
  }
}
