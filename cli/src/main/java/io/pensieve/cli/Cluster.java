package io.pensieve.cli;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.pensieve.api.GrpcLimits;
import io.pensieve.client.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The nodes pvctl talks to, over gRPC: plaintext, or TLS trusting the CAs of {@code --cacert}
 * (pvctl presents no certificate of its own). A call goes to the endpoints in order until one
 * answers (see {@link GrpcErrors#tryNextEndpoint}); a call to one member's address goes there
 * only. Channels are opened on first use and closed with this.
 */
final class Cluster implements AutoCloseable {
  private final List<Endpoint> endpoints;
  private final Duration timeout;
  private final Optional<Path> caCert;
  private final Optional<BearerToken> token;
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  private SslContext tls;

  Cluster(List<Endpoint> endpoints, Duration timeout) {
    this(endpoints, timeout, Optional.empty(), Optional.empty());
  }

  /**
   * @param caCert turns TLS on, trusting the CA certificates in this PEM file
   * @param token sent as {@code authorization: Bearer} metadata on every call
   */
  Cluster(List<Endpoint> endpoints, Duration timeout, Optional<Path> caCert,
      Optional<BearerToken> token) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
    this.timeout = timeout;
    this.caCert = caCert;
    this.token = token;
  }

  /** One gRPC call, through stubs bound to one node and the call's deadline. */
  @FunctionalInterface
  interface Rpc<T> {
    T call(Stubs stubs);
  }

  Duration timeout() {
    return timeout;
  }

  /** Sends the call to the endpoints in order until one answers; see {@link RequestKind}. */
  <T> T call(RequestKind kind, Rpc<T> rpc) {
    List<String> tried = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      String address = endpoint.toString();
      try {
        return rpc.call(stubs(address, timeout));
      } catch (StatusRuntimeException e) {
        if (!GrpcErrors.tryNextEndpoint(e, kind)) {
          throw GrpcErrors.toCliError(e, kind, address, timeout);
        }
        tried.add(address + " (" + GrpcErrors.describe(e) + ")");
      }
    }
    throw CliError.unavailable("no endpoint answered: " + String.join(", ", tried));
  }

  /** Sends the call to one address, with its own deadline; failures are the caller's. */
  <T> T callAt(String address, Duration deadline, Rpc<T> rpc) {
    return rpc.call(stubs(address, deadline));
  }

  /** The call to one address, failures as pvctl reports them. */
  <T> T callOrFail(String address, RequestKind kind, Rpc<T> rpc) {
    try {
      return callAt(address, timeout, rpc);
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.toCliError(e, kind, address, timeout);
    }
  }

  private Stubs stubs(String address, Duration deadline) {
    return new Stubs(channel(address),
        Deadline.after(deadline.toMillis(), TimeUnit.MILLISECONDS));
  }

  synchronized ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> channelTo(Endpoint.parse(a),
        caCert.isPresent() ? Optional.of(tls()) : Optional.empty(), token).build());
  }

  /**
   * A channel to one node as pvctl opens them: plaintext or TLS, the token on every call, room
   * for the largest messages.
   */
  static NettyChannelBuilder channelTo(Endpoint endpoint, Optional<SslContext> tls,
      Optional<BearerToken> token) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.host(),
        endpoint.port()).maxInboundMessageSize(GrpcLimits.MAX_MESSAGE_BYTES);
    token.ifPresent(bearer -> builder.intercept(bearer.interceptor()));
    return tls.isPresent() ? builder.sslContext(tls.get()) : builder.usePlaintext();
  }

  /** Read once, on the first call. */
  private SslContext tls() {
    if (tls == null) {
      tls = CaTrust.forGrpc(caCert.orElseThrow());
    }
    return tls;
  }

  @Override
  public synchronized void close() {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels.values()) {
      try {
        channel.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }
}
