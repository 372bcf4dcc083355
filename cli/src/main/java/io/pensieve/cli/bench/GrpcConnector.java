package io.pensieve.cli.bench;

import io.pensieve.client.PensieveClient;
import java.util.List;
import java.util.function.Function;

/** Bench clients over gRPC: each its own Java client, so its own connection, to its endpoint. */
public final class GrpcConnector implements Connector {
  private final List<String> endpoints;
  private final Function<String, PensieveClient> clients;
  private final String value;
  private final boolean staleReads;

  /**
   * @param clients opens a new client of one {@code host:port}, with pvctl's TLS and token,
   *     the plan's request timeout as its deadline, and each request sent once
   */
  public GrpcConnector(List<String> endpoints, Function<String, PensieveClient> clients,
      BenchPlan plan) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
    this.clients = clients;
    this.value = Values.of(plan.valueSize(), plan.seed());
    this.staleReads = plan.staleReads();
  }

  @Override
  public KvClient open(int clientIndex, int inFlight) {
    // HTTP/2 multiplexes every request in flight on the client's one connection
    String endpoint = endpoints.get(clientIndex % endpoints.size());
    return new GrpcKvClient(clients.apply(endpoint), value, staleReads);
  }

  @Override
  public List<String> endpoints() {
    return endpoints;
  }
}
