package io.pensieve.server.metrics;

import io.pensieve.server.kv.Housekeeping;
import io.pensieve.statemachine.PensieveStateMachine;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Leases: how many the store holds (replicated state, the same on every caught-up node), and
 * what this node's housekeeping proposed: keep-alive commands, and leases its expiry commands
 * revoked while it led.
 */
final class LeaseMetrics implements Housekeeping.Counters {
  private final Counter keepAlives;
  private final Counter expired;

  LeaseMetrics(PrometheusRegistry registry) {
    keepAlives = Counter.builder()
        .name("pensieve_lease_keepalive_commands_proposed_total")
        .help("Coalesced lease keep-alive commands this node proposed, since it started")
        .register(registry);
    expired = Counter.builder()
        .name("pensieve_leases_expired_total")
        .help("Leases revoked by expiry commands this node proposed as leader, since it started")
        .register(registry);
  }

  static void registerHeld(PrometheusRegistry registry, PensieveStateMachine stateMachine) {
    GaugeWithCallback.builder()
        .name("pensieve_leases_held")
        .help("Leases the store holds")
        .callback(callback -> callback.call((double) stateMachine.leaseCount()))
        .register(registry);
  }

  @Override
  public void keepAliveProposed() {
    keepAlives.inc();
  }

  @Override
  public void leasesExpired(int revoked) {
    expired.inc(revoked);
  }
}
