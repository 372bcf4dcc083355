package io.pensieve.server.raft;

import static io.pensieve.server.cluster.TestCluster.raftClientOf;
import static io.pensieve.server.grpc.KvClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.server.time.SystemClock;
import io.pensieve.statemachine.RatisMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.ClientInvocationId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RetryCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link LeaderWrites} on a real cluster: what it sends again, where, and under which id. A
 * member that is not the leader stands in for one that just lost the lead: it refuses the write
 * and names the leader.
 */
class LeaderWritesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);
  private static final SystemClock clock = SystemClock.start("leader-writes-it-timers");

  @AfterAll
  static void stopClock() {
    clock.close();
  }

  @Test
  void aWriteRefusedForWantOfLeadGoesToTheLeaderUnderItsFirstCallId() throws Exception {
    PensieveNode leader = cluster.awaitLeader();
    RaftNode follower = cluster.follower().raft();
    ClientId clientId = ClientId.randomId();
    try (RaftClient client = raftClientOf(follower)) {
      RecordingRpc rpc = new RecordingRpc(client.getClientRpc());
      LeaderWrites writes = writesOf(follower, clientId, new AtomicLong(41), rpc);

      // when the follower is asked to log a put itself
      RaftClientReply reply = writes.send(put("redirected")).get(TIMEOUT.toSeconds(),
          TimeUnit.SECONDS);

      // then it refused, and the write went on to the leader, once, under its first call id
      assertThat(reply.isSuccess()).as("reply %s", reply).isTrue();
      assertThat(rpc.sent).singleElement().satisfies(request -> {
        assertThat(request.getClientId()).isEqualTo(clientId);
        assertThat(request.getCallId()).isEqualTo(42);
        assertThat(request.getServerId().toString()).isEqualTo(leader.info().id());
      });
      // and was applied once
      try (KvClient kv = KvClient.connect(leader)) {
        GetResponse read = kv.get("redirected", Consistency.CONSISTENCY_LINEARIZABLE);
        assertThat(read.getFound()).isTrue();
        assertThat(read.getKv().getVersion()).isEqualTo(read.getKv().getCreateRevision());
      }
    }
  }

  @Test
  void aRefusalOfTheStateMachineIsTheOutcome() throws Exception {
    RaftNode leader = cluster.awaitLeader().raft();
    try (RaftClient client = raftClientOf(leader)) {
      RecordingRpc rpc = new RecordingRpc(client.getClientRpc());
      LeaderWrites writes = writesOf(leader, ClientId.randomId(), new AtomicLong(), rpc);

      // when the leader is asked to log a batch with no commands
      RaftClientReply reply = writes.send(RatisMessages.toMessage(
          CommandBatch.getDefaultInstance())).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

      // then its state machine's refusal is the answer, and nothing is sent again
      assertThat(reply.isSuccess()).isFalse();
      assertThat(reply.getException()).isInstanceOf(StateMachineException.class);
      assertThat(rpc.sent).isEmpty();
    }
  }

  @Test
  void theLeaderForgetsACallOnceTheNextOneSaysItWasAnswered() throws Exception {
    RaftNode leader = cluster.awaitLeader().raft();
    ClientId clientId = ClientId.randomId();
    try (RaftClient client = raftClientOf(leader)) {
      LeaderWrites writes = writesOf(leader, clientId, new AtomicLong(), client.getClientRpc());

      // when two writes are answered one after the other
      writes.send(put("first")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      writes.send(put("second")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

      // then the second told the leader to drop the first from its retry cache
      RetryCache cache = leader.division().getRetryCache();
      assertThat(cache.getIfPresent(ClientInvocationId.valueOf(clientId, 1))).isNull();
      assertThat(cache.getIfPresent(ClientInvocationId.valueOf(clientId, 2))).isNotNull();
    }
  }

  private static LeaderWrites writesOf(RaftNode member, ClientId clientId, AtomicLong callIds,
      RaftClientRpc rpc) {
    return new LeaderWrites(LeaderWrites.LocalServer.of(member.division().getRaftServer()),
        member.groupId(), clientId, callIds::incrementAndGet, member::leaderId, member::members,
        () -> rpc, RaftTuning.clientRetryPolicy(), TIMEOUT, Runnable::run, clock);
  }

  private static Message put(String key) {
    return RatisMessages.toMessage(CommandBatch.newBuilder().addCommands(Command.newBuilder()
        .setPut(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8("v")))).build());
  }

  /** A client transport that remembers every request sent through it. */
  private static final class RecordingRpc implements RaftClientRpc {
    final List<RaftClientRequest> sent = new CopyOnWriteArrayList<>();
    private final RaftClientRpc delegate;

    RecordingRpc(RaftClientRpc delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(
        RaftClientRequest request) {
      sent.add(request);
      return delegate.sendRequestAsyncUnordered(request);
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
      sent.add(request);
      return delegate.sendRequest(request);
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {
      delegate.addRaftPeers(peers);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
