package io.pensieve.server.grpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.services.HealthStatusManager;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.raft.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the standard gRPC health service in step with the node's {@link Readiness}: SERVING
 * for the overall service ({@code ""}) and the KV and Admin services while the node is ready,
 * NOT_SERVING otherwise. A watcher sees a change within two periods (this one and the
 * readiness monitor's).
 */
final class HealthReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthReporter.class);
  static final Duration PERIOD = Duration.ofMillis(200);
  private static final List<String> SERVICES =
      List.of(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, KVGrpc.SERVICE_NAME,
          AdminGrpc.SERVICE_NAME);

  private final HealthStatusManager health;
  private final RaftNode raft;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "pensieve-grpc-health");
        thread.setDaemon(true);
        return thread;
      });
  private ServingStatus reported;

  HealthReporter(HealthStatusManager health, RaftNode raft) {
    this.health = health;
    this.raft = raft;
    report(ServingStatus.NOT_SERVING);
    timer.scheduleWithFixedDelay(this::update, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void update() {
    try {
      report(raft.readiness().ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    } catch (RuntimeException e) {
      LOG.warn("Could not work out readiness for the health service", e);
    }
  }

  private void report(ServingStatus status) {
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
  public void close() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(PERIOD.toMillis() * 5, TimeUnit.MILLISECONDS);
  }
}
