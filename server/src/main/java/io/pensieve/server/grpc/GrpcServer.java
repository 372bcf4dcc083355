package io.pensieve.server.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.services.HealthStatusManager;
import io.grpc.ServerInterceptors;
import io.pensieve.server.admin.AdminService;
import io.pensieve.server.auth.AccessControl;
import io.pensieve.server.limits.ConcurrencyLimit;
import io.pensieve.server.rest.NodeInfo;
import java.nio.file.Path;
import java.util.function.Supplier;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.tls.NodeTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC client API, with server reflection and the standard health service, so that
 * {@code grpcurl} and stubs generated in any language work against any node.
 */
public final class GrpcServer implements AutoCloseable {
  /** Room for a value at the ceiling (4 MiB) with its key and framing. */
  private static final int MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

  private final Server server;
  private final HealthStatusManager health;
  private final HealthReporter healthReporter;
  private final LeaderForwarding forwarding;
  private final Duration grace;

  private GrpcServer(Server server, HealthStatusManager health, HealthReporter healthReporter,
      LeaderForwarding forwarding, Duration grace) {
    this.server = server;
    this.health = health;
    this.healthReporter = healthReporter;
    this.forwarding = forwarding;
    this.grace = grace;
  }

  /**
   * @param info this node's id and addresses, known once every port is bound
   * @param scratch where snapshot uploads are spooled
   * @param limit shared with the REST API; the health and reflection services are exempt
   * @param metrics sees every call, as the outermost interceptor
   * @param tls when present, the API is served over TLS only, and calls forwarded to the
   *     leader go over TLS
   * @param access checks the KV and Admin calls' tokens; health and reflection stay open
   */
  public static GrpcServer start(String host, int port, KvService kv, AdminService admin,
      RaftNode raft, Supplier<NodeInfo> info, Path scratch, Duration grace,
      ConcurrencyLimit limit, ServerInterceptor metrics, Optional<NodeTls> tls,
      AccessControl access)
      throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    LeaderForwarding forwarding = new LeaderForwarding(raft.localId().toString(),
        tls.isPresent() ? Optional.of(GrpcTls.client(tls.get())) : Optional.empty());
    ConcurrencyLimitInterceptor limiting = new ConcurrencyLimitInterceptor(limit);
    AuthInterceptor auth = new AuthInterceptor(access);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
    if (tls.isPresent()) {
      builder.sslContext(GrpcTls.server(tls.get()));
    }
    Server server = builder
        // the last interceptor runs first: the token is checked before a permit is taken or
        // anything is forwarded
        .addService(ServerInterceptors.intercept(new KvGrpcService(kv, raft), limiting, auth))
        .addService(ServerInterceptors.intercept(
            new AdminGrpcService(admin, kv, raft, info, forwarding, scratch), forwarding,
            limiting, auth))
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(health.getHealthService())
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .intercept(metrics)
        .build()
        .start();
    return new GrpcServer(server, health, new HealthReporter(health, raft), forwarding, grace);
  }

  public int port() {
    return server.getPort();
  }

  /** Refuses new calls, lets those in flight finish (up to the grace period), then stops. */
  @Override
  public void close() throws InterruptedException {
    healthReporter.close();
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
    }
    forwarding.close();
  }
}
