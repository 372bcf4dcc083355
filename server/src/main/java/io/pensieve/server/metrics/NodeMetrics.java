package io.pensieve.server.metrics;

import io.grpc.ServerInterceptor;
import io.pensieve.server.kv.Housekeeping;
import io.pensieve.server.limits.ConcurrencyLimit;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.statemachine.StateMachineListener;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * One node's metrics, in a registry of its own (never the static default one: several nodes
 * share a JVM in tests). Built before the node's parts, which each get the piece they record
 * into; {@link #watch} then adds what is read from the Raft member when scraped.
 *
 * <p>Names follow the Prometheus conventions: a {@code pensieve_} prefix, base units
 * (seconds, bytes) in the name, {@code _total} on counters. The JVM and process metrics keep
 * their standard {@code jvm_} and {@code process_} names.
 */
public final class NodeMetrics implements AutoCloseable {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final HttpMetrics http = new HttpMetrics(registry);
  private final GrpcMetrics grpc = new GrpcMetrics(registry);
  private final RaftEvents raftEvents = new RaftEvents(registry);
  private final LeaseMetrics leases = new LeaseMetrics(registry);
  private final MetricsExposition exposition = new MetricsExposition(registry);

  private NodeMetrics(String nodeId, String version) {
    Info info = Info.builder()
        .name("pensieve_node_info")
        .help("This node's id and build version, as labels; the value is always 1")
        .labelNames("node", "version")
        .register(registry);
    info.setLabelValues(nodeId, version);
    JvmMetrics.builder().register(registry);
  }

  public static NodeMetrics create(String nodeId, String version) {
    return new NodeMetrics(nodeId, version);
  }

  /** Adds the Raft member's state and the map's counters, read when scraped. */
  public void watch(RaftNode raft) {
    RaftGauges.register(registry, raft);
    StoreMetrics.register(registry, raft.stateMachine());
    LeaseMetrics.registerHeld(registry, raft.stateMachine());
    HaltGauges.register(registry, raft.stateMachine());
  }

  /** Requests in flight against the node's limit; those refused past it count as 503s. */
  public void watch(ConcurrencyLimit limit) {
    GaugeWithCallback.builder()
        .name("pensieve_requests_in_flight")
        .help("REST and gRPC requests being served, probes and scrapes left out")
        .callback(callback -> callback.call(limit.inFlight()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("pensieve_requests_in_flight_limit")
        .help("Requests served at once before more are refused (--max-concurrent-requests)")
        .callback(callback -> callback.call(limit.max()))
        .register(registry);
  }

  /** For the state machine: leader changes, applies and snapshots. */
  public StateMachineListener stateMachineListener() {
    return raftEvents;
  }

  /** For housekeeping: the lease commands it proposes. */
  public Housekeeping.Counters housekeepingCounters() {
    return leases;
  }

  public HttpMetrics http() {
    return http;
  }

  /** Install as the gRPC server's global (outermost) interceptor. */
  public ServerInterceptor grpcInterceptor() {
    return grpc;
  }

  public MetricsExposition exposition() {
    return exposition;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Drops every metric, so that the registry lets go of the node's parts: the JVM metrics keep
   * each registry they were registered with for the life of the JVM (to refuse registering
   * twice), and the Raft gauges hold the Raft member and its state machine.
   */
  @Override
  public void close() {
    registry.clear();
  }
}
