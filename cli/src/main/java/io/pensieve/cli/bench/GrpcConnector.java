package io.pensieve.cli.bench;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Bench clients over gRPC: each its own channel, so its own connection, to its endpoint. */
public final class GrpcConnector implements Connector {
  private final List<String> endpoints;
  private final Function<String, ManagedChannel> channels;
  private final Duration timeout;
  private final String value;
  private final boolean staleReads;

  /**
   * @param channels opens a new channel to a {@code host:port}, with pvctl's TLS and token
   */
  public GrpcConnector(List<String> endpoints, Function<String, ManagedChannel> channels,
      BenchPlan plan) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
    this.channels = channels;
    this.timeout = plan.requestTimeout();
    this.value = Values.of(plan.valueSize(), plan.seed());
    this.staleReads = plan.staleReads();
  }

  @Override
  public KvClient open(int clientIndex, int inFlight) {
    // HTTP/2 multiplexes every request in flight on the channel's one connection
    String endpoint = endpoints.get(clientIndex % endpoints.size());
    return new GrpcKvClient(channels.apply(endpoint), timeout, value, staleReads);
  }

  @Override
  public List<String> endpoints() {
    return endpoints;
  }
}
