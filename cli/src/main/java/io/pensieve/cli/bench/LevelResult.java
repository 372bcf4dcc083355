package io.pensieve.cli.bench;

import java.util.Map;

/**
 * One measurement at one client count.
 *
 * @param seconds the measured window (warmup excluded)
 * @param operations the figures of each operation the workload sends, in {@link Op} order
 * @param total every operation together
 * @param unsent open loop: requests that were due but never sent, every connection being busy
 *     when the window closed (the cluster fell behind the rate)
 */
public record LevelResult(int clients, int inFlight, double seconds, Map<Op, OpStats> operations,
                          OpStats total, long unsent) {
  public LevelResult {
    operations = Map.copyOf(operations);
  }

  /** Requests in flight at most, over every client. */
  public int inFlightTotal() {
    return clients * inFlight;
  }
}
