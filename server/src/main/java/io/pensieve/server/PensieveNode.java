package io.pensieve.server;

import io.pensieve.server.admin.AdminService;
import io.pensieve.server.auth.AccessControl;
import io.pensieve.server.grpc.GrpcServer;
import io.pensieve.server.kv.Housekeeping;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.limits.ConcurrencyLimit;
import io.pensieve.server.metrics.NodeMetrics;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.rest.NodeInfo;
import io.pensieve.server.rest.RestServer;
import io.pensieve.server.time.SystemClock;
import io.pensieve.server.tls.NodeTls;
import io.pensieve.statemachine.PensieveStateMachine;
import io.pensieve.statemachine.StateMachineHalt;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Pensieve node: the Raft member with its state machine, the REST and gRPC APIs, and the
 * housekeeping that proposes the node's own commands.
 *
 * <p>Start order lets every port be ephemeral and lets peers find each other by REST URL: Raft
 * binds, gRPC starts, REST binds and starts (answering {@code /v1/node} at once and 503 to the
 * rest), then the Raft group is formed or recovered and requests are served.
 */
public final class PensieveNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PensieveNode.class);
  private static final long IDLE_POLL_NANOS = 10_000_000;
  private static final Duration MEMBERSHIP_POLL = Duration.ofMillis(100);

  private final NodeConfig config;
  private final RaftNode raft;
  private final KvService kv;
  private final AdminService admin;
  private final GrpcServer grpc;
  private final RestServer rest;
  private final NodeInfo info;
  private final NodeMetrics metrics;
  private final AccessControl access;
  private final SystemClock requestTimers;
  private final SystemClock readinessClock;
  private final SystemClock housekeepingClock =
      SystemClock.start("pensieve-housekeeping");

  private final ScheduledExecutorService membershipWatch =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("pensieve-membership-watch"));
  private volatile Housekeeping housekeeping;

  private PensieveNode(NodeConfig config, RaftNode raft, KvService kv, AdminService admin,
      GrpcServer grpc, RestServer rest, NodeInfo info, NodeMetrics metrics,
      AccessControl access, SystemClock requestTimers, SystemClock readinessClock) {
    this.config = config;
    this.raft = raft;
    this.kv = kv;
    this.admin = admin;
    this.grpc = grpc;
    this.rest = rest;
    this.info = info;
    this.metrics = metrics;
    this.access = access;
    this.requestTimers = requestTimers;
    this.readinessClock = readinessClock;
  }

  /** Starts a node and returns once it has formed or recovered its Raft group. */
  public static PensieveNode start(NodeConfig config) throws Exception {
    PensieveNode node = open(config);
    try {
      node.join(config.peers());
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
    return node;
  }

  /**
   * Binds every port and starts answering: {@code /v1/node} at once, everything else 503 until
   * {@link #join}. Two steps, so that nodes on ephemeral ports can learn each other's addresses.
   */
  public static PensieveNode open(NodeConfig config) throws Exception {
    LOG.info("Node {} starting, {} ms after its process started", config.nodeId(),
        millisSinceProcessStart());
    // keys, users and certificates are read first: a bad file stops the node before it binds
    AccessControl access = AccessControl.start(config.auth());
    Optional<NodeTls> tls = config.tls().map(NodeTls::load);
    NodeMetrics metrics = NodeMetrics.create(config.nodeId(), Version.current());
    PensieveStateMachine stateMachine = new PensieveStateMachine(System::currentTimeMillis,
        metrics.stateMachineListener(), config.appliedCommandKinds());
    // each on a thread of its own, so that a timeout answering its callers never delays a
    // readiness look, nor housekeeping a timeout
    SystemClock requestTimers = SystemClock.start("pensieve-request-timers");
    SystemClock readinessClock = SystemClock.start("pensieve-readiness");
    RaftNode raft;
    try {
      raft = RaftNode.start(config, stateMachine, tls, requestTimers, readinessClock);
    } catch (IOException | RuntimeException e) {
      requestTimers.close();
      readinessClock.close();
      throw e;
    }
    metrics.watch(raft);
    AtomicReference<NodeInfo> self = new AtomicReference<>();
    KvService kv = new KvService(raft, () -> self.get().addresses(), config.requestTimeout(),
        requestTimers);
    AdminService admin = new AdminService(raft, kv, config.requestTimeout(),
        config.electionTimeoutMin());
    ConcurrencyLimit limit = new ConcurrencyLimit(config.maxConcurrentRequests());
    metrics.watch(limit);
    NodeParts parts = new NodeParts(raft, kv, admin, tls, access, limit, metrics);
    GrpcServer grpc = null;
    RestServer rest = null;
    try {
      grpc = GrpcServer.start(config, parts, self::get);
      rest = RestServer.bind(config, tls);
      String host = config.advertiseHost();
      NodeInfo info = new NodeInfo(config.nodeId(), host + ":" + raft.raftPort(),
          host + ":" + rest.port(), host + ":" + grpc.port());
      self.set(info);
      rest.start(config, parts, info);
      return new PensieveNode(config, raft, kv, admin, grpc, rest, info, metrics,
          access, requestTimers, readinessClock);
    } catch (Exception | Error e) {
      closeQuietly(rest);
      closeQuietly(grpc);
      closeQuietly(admin);
      closeQuietly(raft);
      requestTimers.close();
      readinessClock.close();
      metrics.close();
      closeQuietly(access);
      throw e;
    }
  }

  /**
   * Forms the Raft group with {@code peers} (see {@link NodeConfig#peers}), or recovers the one
   * in the data directory, then starts serving and proposing this node's own commands. A
   * joining node ({@link NodeConfig#join}) returns at once and starts serving once a leader
   * has added it.
   */
  public void join(List<String> peers) throws Exception {
    raft.formGroup(peers, config.join());
    if (raft.isMember()) {
      serve();
      return;
    }
    // the poll reports its own failure: a scheduled task's exception would end it silently
    var unused = membershipWatch.scheduleWithFixedDelay(() -> {
      try {
        if (raft.isMember()) {
          LOG.info("Node {} was added to the cluster", info.id());
          serve();
          membershipWatch.shutdown(); // no further polls once the node serves
        }
      } catch (RuntimeException e) {
        LOG.error("Node {} was added to the cluster but could not start serving", info.id(), e);
        membershipWatch.shutdown();
      }
    }, MEMBERSHIP_POLL.toMillis(), MEMBERSHIP_POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void serve() {
    if (housekeeping != null) {
      return;
    }
    raft.connect();
    Housekeeping started = new Housekeeping(kv, raft, info.addresses(),
        config.initialSettings(), housekeepingClock, metrics.housekeepingCounters());
    started.start(config.touchInterval(), config.cleanupInterval());
    housekeeping = started;
    LOG.info("Node {} started: REST {}, gRPC {}, Raft {}, data {}, {}; serving {} ms after its"
        + " process started", info.id(), info.restAddress(), info.grpcAddress(),
        info.raftAddress(), config.dataDir(),
        config.tls().map(files -> "TLS with " + files.certificateChain()).orElse("plaintext"),
        millisSinceProcessStart());
  }

  /** How long this process has run, for the start-up log lines; -1 where the OS does not say. */
  private static long millisSinceProcessStart() {
    return ProcessHandle.current().info().startInstant()
        .map(start -> Duration.between(start, Instant.now()).toMillis())
        .orElse(-1L);
  }

  public NodeInfo info() {
    return info;
  }

  public RaftNode raft() {
    return raft;
  }

  public PensieveStateMachine stateMachine() {
    return raft.stateMachine();
  }

  /** Why and where this node's state machine stopped applying the log; empty while it applies. */
  public Optional<StateMachineHalt> halt() {
    return raft.stateMachine().halt();
  }

  public int restPort() {
    return rest.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int raftPort() {
    return raft.raftPort();
  }

  /**
   * Stops gracefully: the APIs refuse new requests and finish those in flight, queued writes
   * are sent and answered, then Raft closes (taking a snapshot) and the data is left intact.
   */
  @Override
  public void close() {
    LOG.info("Node {} stopping", info.id());
    long startNanos = System.nanoTime();
    membershipWatch.shutdownNow();
    closeQuietly(rest);
    closeQuietly(grpc);
    kv.close();
    closeQuietly(admin);
    closeQuietly(housekeeping);
    Duration grace = config.shutdownGrace();
    long deadline = startNanos + grace.toNanos();
    while (!kv.idle() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(IDLE_POLL_NANOS);
    }
    closeQuietly(raft);
    // after Raft: writes still in flight while the node drained were timed by these
    requestTimers.close();
    readinessClock.close();
    housekeepingClock.close();
    metrics.close();
    closeQuietly(access);
    LOG.info("Node {} stopped in {} ms", info.id(), (System.nanoTime() - startNanos) / 1_000_000);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("Error while stopping {}", closeable.getClass().getSimpleName(), e);
    }
  }
}
