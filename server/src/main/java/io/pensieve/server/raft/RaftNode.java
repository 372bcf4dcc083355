package io.pensieve.server.raft;

import io.pensieve.internal.v1.GetQuery;
import io.pensieve.internal.v1.Query;
import io.pensieve.server.NodeConfig;
import io.pensieve.server.time.NodeClock;
import io.pensieve.server.tls.NodeTls;
import io.pensieve.statemachine.PensieveStateMachine;
import io.pensieve.statemachine.RatisMessages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Raft member: the Ratis server hosting the state machine, and the embedded client
 * that carries writes from this node to whichever member leads.
 *
 * <p>Starting takes two steps, so that ports can be ephemeral: {@link #start} binds the Raft
 * port and recovers the group if the data directory holds one; {@link #formGroup} joins the
 * members named by the peers (which a restart ignores).
 */
public final class RaftNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  /** A read of no key: only its ReadIndex round matters (see {@link #confirmCaughtUp}). */
  private static final Message CAUGHT_UP_QUERY = RatisMessages.toMessage(
      Query.newBuilder().setGet(GetQuery.getDefaultInstance()).build());

  private final NodeConfig config;
  private final PensieveStateMachine stateMachine;
  private final RaftServer server;
  private final RaftPeerId localId;
  private final RaftGroupId groupId;
  private final ClientId localClientId = ClientId.randomId();
  private final AtomicLong localCallIds = new AtomicLong();
  private final Executor readCallbacks = CallbackThread.named("pensieve-read-callbacks");
  private final Executor writeCallbacks = CallbackThread.named("pensieve-write-callbacks");
  private final Optional<NodeTls> tls;
  private final ReadinessMonitor readiness;
  private final LeaderWrites leaderWrites;
  private volatile RaftClient client;

  private RaftNode(NodeConfig config, PensieveStateMachine stateMachine, RaftServer server,
      Optional<NodeTls> tls, NodeClock requestTimers, NodeClock readinessClock) {
    this.config = config;
    this.stateMachine = stateMachine;
    this.server = server;
    this.tls = tls;
    this.localId = server.getId();
    this.groupId = groupIdOf(config.clusterName());
    this.leaderWrites = new LeaderWrites(LeaderWrites.LocalServer.of(server), groupId,
        localClientId, localCallIds::incrementAndGet, this::leaderId, this::members,
        () -> client.getClientRpc(), RaftTuning.clientRetryPolicy(), config.requestTimeout(),
        writeCallbacks, requestTimers);
    this.readiness = new ReadinessMonitor(readinessView(), readinessClock);
  }

  /** This member as its readiness monitor looks at it. */
  private ReadinessMonitor.Member readinessView() {
    return new ReadinessMonitor.Member() {
      @Override
      public boolean joined() {
        return RaftNode.this.joined();
      }

      @Override
      public boolean knowsLeader() {
        return leaderId().isPresent();
      }

      @Override
      public CompletableFuture<Void> confirmCaughtUp() {
        return RaftNode.this.confirmCaughtUp();
      }

      @Override
      public Readiness readiness(boolean caughtUp) {
        return Readiness.of(RaftNode.this, caughtUp);
      }
    };
  }

  /** The group id every node of a cluster derives from the cluster's name. */
  public static RaftGroupId groupIdOf(String clusterName) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
        ("pensieve-cluster:" + clusterName).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Starts the Raft server: binds its port and recovers a group found in the data directory.
   *
   * @param tls when present, mutual TLS with the other members, for the server and every
   *     Ratis client this node builds
   * @param requestTimers times the leader's write retries (shared with the request batchers)
   * @param readinessClock runs the readiness looks, on a thread that waits for no request
   */
  public static RaftNode start(NodeConfig config, PensieveStateMachine stateMachine,
      Optional<NodeTls> tls, NodeClock requestTimers, NodeClock readinessClock)
      throws IOException {
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.nodeId()))
        .setStateMachine(stateMachine)
        .setProperties(RaftTuning.serverProperties(config))
        .setParameters(RaftTls.parameters(tls))
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    server.start();
    RaftNode node = new RaftNode(config, stateMachine, server, tls, requestTimers,
        readinessClock);
    node.readiness.start();
    return node;
  }

  public int raftPort() {
    return server.getServerRpc().getInetSocketAddress().getPort();
  }

  /** This member as the others reach it. */
  public RaftPeer self() {
    return RaftPeer.newBuilder().setId(localId)
        .setAddress(config.advertiseHost() + ":" + raftPort()).build();
  }

  /**
   * Joins the group of {@code peers} (see {@link NodeConfig#peers}), unless the data directory
   * already held it. A joining node ({@link NodeConfig#join}) creates the group with no members
   * instead: it then waits, taking no part in elections, until a leader adds it.
   */
  public void formGroup(List<String> peers, boolean join) throws IOException,
      InterruptedException {
    if (currentDivision().isPresent()) {
      LOG.info("Recovered member {} of group {} with peers {}", localId, groupId,
          division().getGroup().getPeers());
      return;
    }
    RaftGroup group = join
        ? RaftGroup.valueOf(groupId)
        : RaftGroup.valueOf(groupId, PeerResolver.resolve(peers, self(), tls));
    RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(
        localClientId, localId, localCallIds.incrementAndGet(), group, true));
    if (!reply.isSuccess()) {
      throw new IOException("could not create group " + groupId + ": " + reply.getException());
    }
    if (join) {
      LOG.info("Node {} waits to be added to cluster {}: pvctl member add {} {}", localId,
          config.clusterName(), localId, self().getAddress());
    } else {
      LOG.info("Formed member {} of new group {} with peers {}", localId, groupId,
          group.getPeers());
    }
  }

  /**
   * Whether this node is in the cluster's current configuration, as a voter or a learner:
   * false while a joining node waits to be added, and once it has been removed.
   */
  public boolean isMember() {
    return currentDivision().map(d -> d.getRaftConf()
        .getPeer(localId, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER) != null).orElse(false);
  }

  /** Builds the client that forwards writes to the leader, once this node is a member. */
  public void connect() {
    if (client != null) {
      return;
    }
    RaftConfiguration conf = division().getRaftConf();
    List<RaftPeer> peers = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
    client = RaftClient.newBuilder()
        .setProperties(RaftTuning.clientProperties())
        .setParameters(RaftTls.parameters(tls))
        .setRaftGroup(RaftGroup.valueOf(groupId, peers))
        .setRetryPolicy(RaftTuning.clientRetryPolicy())
        .build();
  }

  /**
   * Whether this node is a member and can serve requests. A newly added member starts running
   * at the leader's first append after staging, a moment after it enters the configuration.
   */
  public boolean joined() {
    return client != null && isMember() && currentDivision()
        .map(d -> d.getInfo().getLifeCycleState() == LifeCycle.State.RUNNING).orElse(false);
  }


  public RaftServer.Division division() {
    return currentDivision().orElseThrow(() -> new IllegalStateException(
        "member " + localId + " has no group " + groupId));
  }

  public boolean isLeader() {
    return currentDivision().map(d -> d.getInfo().isLeader()).orElse(false);
  }

  /** The leader this member knows of, if any; none once the node is removed. */
  public Optional<RaftPeerId> leaderId() {
    return currentDivision().map(d -> d.getInfo().getLeaderId());
  }

  /** The group's division on this server; none before the group is formed or once removed. */
  public Optional<RaftServer.Division> currentDivision() {
    try {
      return Optional.of(server.getDivision(groupId));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public RaftPeerId localId() {
    return localId;
  }

  public RaftGroupId groupId() {
    return groupId;
  }

  public PensieveStateMachine stateMachine() {
    return stateMachine;
  }

  /**
   * Sends a write to the leader: on the leader, straight to its own server ({@link
   * LeaderWrites}); elsewhere through the embedded client, which retries it across leader
   * changes under one call id. Either way a retry carries the id of the first attempt, so the
   * retry cache recognises a write already logged. The reply is delivered on a {@link
   * CallbackThread}.
   */
  public CompletableFuture<RaftClientReply> sendWrite(Message message) {
    CompletableFuture<RaftClientReply> reply = isLeader()
        ? leaderWrites.send(message)
        : client.async().send(message);
    return deliveredOn(writeCallbacks, reply);
  }

  /**
   * A linearizable read served by this member's state machine after a ReadIndex round with
   * the leader, with no network hop to reach this member.
   *
   * <p>The returned future completes on a thread of this node's own, never on Ratis' threads:
   * Ratis completes a leader's ReadIndex while holding its read-index lock, so a caller that
   * starts its next read from the completion (as the read batcher does) would enter the Ratis
   * server again and wait for that same lock on another thread. That deadlocked leaders.
   *
   * <p>A follower asks the leader for the read index over its own Ratis channel to the leader,
   * which Ratis leaves as it is when a call on it fails. After the leader was unreachable for a
   * while, that channel waits out gRPC's reconnect backoff (up to two minutes), failing every
   * read at once although the leader is back and writes flow. So when a follower's read fails
   * on its way to the leader, the channel is rebuilt and the read sent once more.
   */
  public CompletableFuture<RaftClientReply> readLocally(Message query) {
    return deliveredOn(readCallbacks, submitRead(query))
        .exceptionallyComposeAsync(failure -> retryAfterReconnecting(query, failure),
            readCallbacks);
  }

  /** Runs on {@link #readCallbacks}: rebuilding a channel waits for the old one to close. */
  private CompletableFuture<RaftClientReply> retryAfterReconnecting(Message query,
      Throwable failure) {
    try {
      Optional<RaftPeerId> leader = leaderId().filter(id -> !id.equals(localId));
      if (leader.isEmpty()) {
        return CompletableFuture.failedFuture(failure);
      }
      server.getServerRpc().handleException(leader.get(),
          failure instanceof Exception e ? e : new IOException(failure), true);
    } catch (RuntimeException e) {
      // the member is closing: the read fails as it was going to
      return CompletableFuture.failedFuture(failure);
    }
    return deliveredOn(readCallbacks, submitRead(query));
  }

  /** The same outcome, completed on {@code callbacks} rather than the thread Ratis uses. */
  private static CompletableFuture<RaftClientReply> deliveredOn(Executor callbacks,
      CompletableFuture<RaftClientReply> reply) {
    return reply.whenCompleteAsync((result, failure) -> { }, callbacks);
  }

  private CompletableFuture<RaftClientReply> submitRead(Message query) {
    return submitLocally(query, RaftClientRequest.readRequestType());
  }

  private CompletableFuture<RaftClientReply> submitLocally(
      Message message, RaftClientRequest.Type type) {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(localClientId)
        .setServerId(localId)
        .setGroupId(groupId)
        .setCallId(localCallIds.incrementAndGet())
        .setMessage(message)
        .setType(type)
        .build();
    try {
      return server.submitClientRequestAsync(request);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Changes the membership; only the leader accepts it. */
  public CompletableFuture<RaftClientReply> setConfiguration(
      SetConfigurationRequest.Arguments arguments) {
    try {
      return server.setConfigurationAsync(new SetConfigurationRequest(localClientId, localId,
          groupId, localCallIds.incrementAndGet(), arguments));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Hands leadership to {@code newLeader}; only the leader accepts it. */
  public CompletableFuture<RaftClientReply> transferLeadership(RaftPeerId newLeader,
      Duration timeout) {
    try {
      return server.transferLeadershipAsync(new TransferLeadershipRequest(localClientId, localId,
          groupId, localCallIds.incrementAndGet(), newLeader, timeout.toMillis()));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Takes a snapshot of this member's state machine, unless the latest one already covers
   * every applied entry; the reply's log index is the snapshot's.
   */
  public CompletableFuture<RaftClientReply> takeSnapshot(Duration timeout) {
    return server.snapshotManagementAsync(SnapshotManagementRequest.newCreate(localClientId,
        localId, groupId, localCallIds.incrementAndGet(), timeout.toMillis(), 1));
  }

  /** The Raft configuration this member knows (the voters and learners). */
  public RaftConfiguration configuration() {
    return division().getRaftConf();
  }

  /** A member's Raft port, reached with its own short-lived client. */
  public RemotePeer remote(RaftPeer peer) {
    return new RemotePeer(peer, groupId, RaftTls.parameters(tls));
  }

  /** Voters, then learners, of the configuration this member knows. */
  public List<RaftPeer> members() {
    RaftConfiguration conf = configuration();
    List<RaftPeer> members = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
    members.addAll(conf.getCurrentPeers(RaftPeerRole.LISTENER));
    return members;
  }

  /**
   * Completes once this member has applied everything the leader had committed when the leader
   * answered a ReadIndex round (one that reads no key); fails when no leader answers. The proof
   * of being caught up that {@link Readiness} needs: the member's own commit index can be old.
   */
  CompletableFuture<Void> confirmCaughtUp() {
    return readLocally(CAUGHT_UP_QUERY).thenAccept(reply -> {
      if (!reply.isSuccess()) {
        throw new CompletionException(reply.getException());
      }
    });
  }

  /** Whether the node should be sent requests, as of its last look (200 ms at most ago). */
  public Readiness readiness() {
    return readiness.current();
  }

  /** Tells {@code listener} of the node's readiness now and at every look of its monitor. */
  public void watchReadiness(Consumer<Readiness> listener) {
    readiness.watch(listener);
  }

  public void unwatchReadiness(Consumer<Readiness> listener) {
    readiness.unwatch(listener);
  }

  @Override
  public void close() throws IOException {
    readiness.close();
    RaftClient current = client;
    if (current != null) {
      current.close();
    }
    server.close();
  }
}
