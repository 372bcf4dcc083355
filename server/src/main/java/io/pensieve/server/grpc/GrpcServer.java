package io.pensieve.server.grpc;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.services.HealthStatusManager;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.raft.RaftNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
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
  private final Duration grace;

  private GrpcServer(Server server, HealthStatusManager health, Duration grace) {
    this.server = server;
    this.health = health;
    this.grace = grace;
  }

  public static GrpcServer start(String host, int port, KvService kv, RaftNode raft,
      Duration grace) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .addService(new KvGrpcService(kv, raft))
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(health.getHealthService())
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .build()
        .start();
    health.setStatus(KVGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return new GrpcServer(server, health, grace);
  }

  public int port() {
    return server.getPort();
  }

  /** Refuses new calls, lets those in flight finish (up to the grace period), then stops. */
  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
    }
  }
}
