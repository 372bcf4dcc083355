package io.pensieve.server.metrics;

import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.statemachine.PensieveStateMachine;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.ToLongFunction;

/**
 * The map's counters, read from the state machine's stats when scraped (what {@code
 * /v1/stats} serves). Keys, bytes, evictions and expirations are replicated state, the same on
 * every caught-up node; hits and misses count the reads this node served.
 */
final class StoreMetrics {
  private StoreMetrics() { }

  static void register(PrometheusRegistry registry, PensieveStateMachine stateMachine) {
    GaugeWithCallback.builder()
        .name("pensieve_store_keys")
        .help("Keys in the map, expired ones not yet removed included")
        .callback(callback -> callback.call((double) stateMachine.stats().getEntries()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("pensieve_store_bytes")
        .help("Size of the map's keys and values plus a fixed cost per entry, as limited by "
            + "max_bytes")
        .unit(Unit.BYTES)
        .callback(callback -> callback.call((double) stateMachine.stats().getBytes()))
        .register(registry);
    counter(registry, stateMachine, "pensieve_store_evictions_total",
        "Entries evicted to make room, since the cluster began", StatsResponse::getEvictions);
    counter(registry, stateMachine, "pensieve_store_expirations_total",
        "Entries removed because their TTL ran out, since the cluster began",
        StatsResponse::getExpirations);
    counter(registry, stateMachine, "pensieve_store_hits_total",
        "Reads this node served that found their key, since it started",
        StatsResponse::getHits);
    counter(registry, stateMachine, "pensieve_store_misses_total",
        "Reads this node served that did not find their key, since it started",
        StatsResponse::getMisses);
  }

  private static void counter(PrometheusRegistry registry, PensieveStateMachine stateMachine,
      String name, String help, ToLongFunction<StatsResponse> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(callback -> callback.call((double) value.applyAsLong(stateMachine.stats())))
        .register(registry);
  }
}
