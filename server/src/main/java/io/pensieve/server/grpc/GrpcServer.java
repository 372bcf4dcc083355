package io.pensieve.server.grpc;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.pensieve.api.GrpcLimits;
import io.pensieve.server.NodeConfig;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.server.NodeParts;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.rest.NodeInfo;
import io.pensieve.server.tls.NodeTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gRPC client API, with server reflection and the standard health service, so that
 * {@code grpcurl} and stubs generated in any language work against any node.
 */
public final class GrpcServer implements AutoCloseable {
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
   * Serves the KV and Admin services (each call through the token check and the concurrency
   * limit, the last interceptor running first), reflection and health, over TLS when the
   * node has it; calls forwarded to the leader go over TLS too.
   *
   * @param info this node's id and addresses, known once every port is bound
   */
  public static GrpcServer start(NodeConfig config, NodeParts node, Supplier<NodeInfo> info)
      throws IOException {
    RaftNode raft = node.raft();
    KvService kv = node.kv();
    Optional<NodeTls> tls = node.tls();
    HealthStatusManager health = new HealthStatusManager();
    LeaderForwarding forwarding = new LeaderForwarding(raft.localId().toString(),
        tls.isPresent() ? Optional.of(GrpcTls.client(tls.get())) : Optional.empty());
    ConcurrencyLimitInterceptor limiting = new ConcurrencyLimitInterceptor(node.limit(),
        Set.of(LeaseGrpc.getKeepAliveMethod().getFullMethodName()));
    AuthInterceptor auth = new AuthInterceptor(node.access());
    NettyServerBuilder builder = NettyServerBuilder.forAddress(
        new InetSocketAddress(config.listenHost(), config.grpcPort()));
    if (tls.isPresent()) {
      builder.sslContext(GrpcTls.server(tls.get()));
    }
    Server server = builder
        // the last interceptor runs first: the token is checked before a permit is taken or
        // anything is forwarded
        .addService(ServerInterceptors.intercept(new KvGrpcService(kv, raft), limiting, auth))
        .addService(ServerInterceptors.intercept(new LeaseGrpcService(kv, raft, node.limit()),
            limiting, auth))
        .addService(ServerInterceptors.intercept(
            new AdminGrpcService(node.admin(), kv, raft, info, forwarding,
                config.dataDir().resolve("restore")), forwarding, limiting, auth))
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(health.getHealthService())
        .maxInboundMessageSize(GrpcLimits.MAX_MESSAGE_BYTES)
        .callExecutor(GrpcServer::kvCallsOnTheEventLoop)
        .intercept(node.metrics().grpcInterceptor())
        .build()
        .start();
    return new GrpcServer(server, health, new HealthReporter(health, raft), forwarding,
        config.shutdownGrace());
  }

  /**
   * KV calls never block (writes and linearizable reads only queue for a batch; stale reads
   * read memory), so they run on the network thread that read them rather than paying a thread
   * hand-off each; Admin calls, which read and write snapshot files, keep the server's pool.
   */
  private static <ReqT, RespT> Executor kvCallsOnTheEventLoop(ServerCall<ReqT, RespT> call,
      Metadata headers) {
    return KVGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())
        ? Runnable::run : null;
  }

  public int port() {
    return server.getPort();
  }

  /** Refuses new calls, lets those in flight finish (up to the grace period), then stops. */
  @Override
  public void close() {
    healthReporter.close();
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    forwarding.close();
  }
}
