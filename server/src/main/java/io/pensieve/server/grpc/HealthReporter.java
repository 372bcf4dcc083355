package io.pensieve.server.grpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.raft.Readiness;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the standard gRPC health service in step with the node's {@link Readiness}: SERVING
 * for the overall service ({@code ""}) and the KV and Admin services while the node is ready,
 * NOT_SERVING otherwise. Told by the node's readiness monitor at each of its looks.
 */
final class HealthReporter implements AutoCloseable {
  private static final List<String> SERVICES =
      List.of(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, KVGrpc.SERVICE_NAME,
          AdminGrpc.SERVICE_NAME);

  private final HealthStatusManager health;
  private final RaftNode raft;
  private final Consumer<Readiness> listener = this::report;
  private ServingStatus reported;

  HealthReporter(HealthStatusManager health, RaftNode raft) {
    this.health = health;
    this.raft = raft;
    raft.watchReadiness(listener);
  }

  private synchronized void report(Readiness readiness) {
    ServingStatus status = readiness.ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    if (status == reported) {
      return;
    }
    for (String service : SERVICES) {
      health.setStatus(service, status);
    }
    reported = status;
  }

  /** Stops reporting; the caller then puts the health service in its terminal state. */
  @Override
  public void close() {
    raft.unwatchReadiness(listener);
  }
}
