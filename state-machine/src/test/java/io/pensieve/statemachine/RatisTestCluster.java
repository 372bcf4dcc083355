package io.pensieve.statemachine;

import static org.awaitility.Awaitility.await;

import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.proto.v1.DigestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Real Ratis servers in this JVM, talking gRPC over loopback, each with its own storage
 * directory. Ports are ephemeral on first start; a restarted server binds the port it had, as a
 * real node keeps its address.
 */
final class RatisTestCluster implements AutoCloseable {
  /** Log entries between automatic snapshots; small, so tests cross several. */
  static final long SNAPSHOT_EVERY_ENTRIES = 200;

  private final Path root;
  private final LongSupplier clockMillis;
  private final RaftGroupId groupId = RaftGroupId.valueOf(UUID.randomUUID());
  private final Map<RaftPeerId, Integer> ports = new LinkedHashMap<>();
  private final Map<RaftPeerId, RaftServer> running = new LinkedHashMap<>();
  private RaftGroup group;
  private RaftClient client;

  private RatisTestCluster(Path root, LongSupplier clockMillis) {
    this.root = root;
    this.clockMillis = clockMillis;
  }

  static RatisTestCluster start(int size, Path root, LongSupplier clockMillis) throws IOException {
    RatisTestCluster cluster = new RatisTestCluster(root, clockMillis);
    try {
      cluster.startAll(size);
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void startAll(int size) throws IOException {
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      RaftPeerId id = RaftPeerId.valueOf("n" + i);
      RaftServer server = newServer(id, 0);
      server.start();
      int port = server.getServerRpc().getInetSocketAddress().getPort();
      ports.put(id, port);
      running.put(id, server);
      peers.add(RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + port).build());
    }
    group = RaftGroup.valueOf(groupId, peers);
    for (RaftPeer peer : peers) {
      try (RaftClient admin = newClient(RaftGroup.valueOf(groupId, peer))) {
        RaftClientReply reply = admin.getGroupManagementApi(peer.getId()).add(group);
        if (!reply.isSuccess()) {
          throw new IOException("adding the group to " + peer.getId() + " failed: " + reply);
        }
      } catch (AlreadyExistsException e) {
        // on a cold, loaded machine the first add can outlast the client's request timeout;
        // the client then retries, and the retry finds the group that the first add created
      }
    }
    client = newClient(group);
    awaitLeader();
  }

  private RaftServer newServer(RaftPeerId id, int port) throws IOException {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setPort(properties, port);
    RaftServerConfigKeys.setStorageDir(properties, List.of(root.resolve(id.toString()).toFile()));
    // generous timeouts: two cores run three servers and the test
    RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(1, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, SNAPSHOT_EVERY_ENTRIES);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
    // a stop is a crash here: restarts must recover from an older snapshot plus the log
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, false);
    // a follower that is down must not keep the others from purging their logs
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    RaftServerConfigKeys.Log.setPurgeGap(properties, 1);
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("32KB"));
    RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf("32KB"));
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, "10ms,10, 100ms,100, 1s,1000");
    return RaftServer.newBuilder()
        .setServerId(id)
        .setProperties(properties)
        .setStateMachine(new PensieveStateMachine(clockMillis))
        // RECOVER: the storage directory of a restarted server is reused, not formatted
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
  }

  private RaftClient newClient(RaftGroup target) {
    return RaftClient.newBuilder()
        .setProperties(new RaftProperties())
        .setRaftGroup(target)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            100, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
  }

  List<RaftPeerId> ids() {
    return List.copyOf(ports.keySet());
  }

  RaftClient client() {
    return client;
  }

  RaftGroupId groupId() {
    return groupId;
  }

  RaftServer.Division division(RaftPeerId id) {
    try {
      return Objects.requireNonNull(running.get(id), id + " is not running").getDivision(groupId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  PensieveStateMachine stateMachine(RaftPeerId id) {
    return (PensieveStateMachine) division(id).getStateMachine();
  }

  RaftPeerId awaitLeader() {
    return await("a leader").atMost(Duration.ofSeconds(30)).until(this::leader, Optional::isPresent)
        .orElseThrow();
  }

  Optional<RaftPeerId> leader() {
    return running.keySet().stream()
        .filter(id -> division(id).getInfo().isLeaderReady())
        .findFirst();
  }

  RaftPeerId aFollower() {
    RaftPeerId leader = awaitLeader();
    return running.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
  }

  CommandBatchResult submit(CommandBatch batch) throws IOException {
    RaftClientReply reply = client.io().send(RatisMessages.toMessage(batch));
    if (!reply.isSuccess()) {
      throw new IOException("write failed: " + reply.getException(), reply.getException());
    }
    return RatisMessages.parse(CommandBatchResult.parser(), reply.getMessage());
  }

  /** Makes {@code id} take a snapshot of everything it has applied, now. */
  long snapshotNow(RaftPeerId id) throws IOException {
    RaftClientReply reply = client.getSnapshotManagementApi(id).create(true, 30_000);
    if (!reply.isSuccess()) {
      throw new IOException("snapshot on " + id + " failed: " + reply.getException());
    }
    return reply.getLogIndex();
  }

  void stop(RaftPeerId id) throws IOException {
    Objects.requireNonNull(running.remove(id), id + " is not running").close();
  }

  void restart(RaftPeerId id) throws IOException {
    // built without a group: RECOVER finds the group in the storage directory
    RaftServer server = newServer(id, ports.get(id));
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    running.put(id, server);
  }

  /** Waits until every running replica has applied the same log prefix; returns the digests. */
  Map<RaftPeerId, DigestResult> awaitConverged() {
    return await("replicas converge").atMost(Duration.ofSeconds(60))
        .until(this::digests, digests -> digests.values().stream()
            .map(d -> List.of(d.getAppliedIndex(), d.getSha256()))
            .distinct().count() == 1);
  }

  Map<RaftPeerId, DigestResult> digests() {
    return running.keySet().stream().collect(Collectors.toMap(
        id -> id, id -> stateMachine(id).digest(), (a, b) -> a, LinkedHashMap::new));
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    if (client != null) {
      client.close();
    }
    for (RaftServer server : running.values()) {
      try {
        server.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    running.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
