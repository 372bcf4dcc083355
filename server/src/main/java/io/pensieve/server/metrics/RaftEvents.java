package io.pensieve.server.metrics;

import io.pensieve.statemachine.StateMachineListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** What the state machine reports as it runs: leader changes, applies, snapshots taken, loaded. */
final class RaftEvents implements StateMachineListener {
  private final Counter leaderChanges;
  private final Histogram applyDuration;
  private final Counter snapshots;
  private final Histogram snapshotDuration;
  private final Gauge snapshotSize;
  private final Histogram snapshotLoadDuration;

  RaftEvents(PrometheusRegistry registry) {
    leaderChanges = Counter.builder()
        .name("pensieve_raft_leader_changes_total")
        .help("Times this node learned of a new leader, the first after it started included")
        .register(registry);
    applyDuration = Histogram.builder()
        .name("pensieve_raft_apply_duration_seconds")
        .help("Time the state machine took to apply one log entry (a batch of commands)")
        .unit(Unit.SECONDS)
        .classicOnly()
        .classicUpperBounds(Buckets.APPLY_SECONDS)
        .register(registry);
    snapshots = Counter.builder()
        .name("pensieve_raft_snapshots_total")
        .help("Snapshots this node took (automatic, on demand, and at shutdown)")
        .register(registry);
    snapshotDuration = Histogram.builder()
        .name("pensieve_raft_snapshot_duration_seconds")
        .help("Time to write and fsync a snapshot")
        .unit(Unit.SECONDS)
        .classicOnly()
        .classicUpperBounds(Buckets.SNAPSHOT_SECONDS)
        .register(registry);
    snapshotSize = Gauge.builder()
        .name("pensieve_raft_snapshot_size_bytes")
        .help("Size of the last snapshot this node took")
        .unit(Unit.BYTES)
        .register(registry);
    snapshotLoadDuration = Histogram.builder()
        .name("pensieve_raft_snapshot_load_duration_seconds")
        .help("Time to read, check and load a snapshot: this node's latest as it starts, and "
            + "each one installed from the leader")
        .unit(Unit.SECONDS)
        .classicOnly()
        .classicUpperBounds(Buckets.SNAPSHOT_SECONDS)
        .register(registry);
  }

  @Override
  public void leaderChanged(String leaderId) {
    leaderChanges.inc();
  }

  @Override
  public void entryApplied(long nanos) {
    applyDuration.observe(Unit.nanosToSeconds(nanos));
  }

  @Override
  public void snapshotTaken(long nanos, long sizeBytes) {
    snapshots.inc();
    snapshotDuration.observe(Unit.nanosToSeconds(nanos));
    snapshotSize.set((double) sizeBytes);
  }

  @Override
  public void snapshotLoaded(long nanos) {
    snapshotLoadDuration.observe(Unit.nanosToSeconds(nanos));
  }
}
