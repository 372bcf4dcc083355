package io.pensieve.server.raft;

import io.pensieve.server.Failures;
import io.pensieve.server.time.NodeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes a leader proposes to its own Raft server, with no gRPC hop to itself: on the
 * leader that hop cost a client stream, two Netty passes and two thread hand-offs per log
 * entry, about a tenth of the CPU of a write under load.
 *
 * <p>An attempt that fails because leadership moved or is not settled yet is sent again, to
 * whichever member leads, under the <em>same</em> client id and call id. That is what makes the
 * retry safe: a member becomes a ready leader only after applying every entry of earlier terms,
 * and applying an entry records its call in the member's retry cache, so a write the old leader
 * had logged is answered from the cache instead of being logged twice. (Sending it again under
 * another client's id applied writes twice: jepsen-lite caught it when the leader was removed.)
 *
 * <p>Each request also names the calls answered for good since the last one, as Ratis' own
 * client does, so the leader drops them from its retry cache at once rather than holding every
 * batch's reply for the cache's whole expiry.
 */
final class LeaderWrites {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderWrites.class);

  /** This member's own Raft server, as far as a write needs it. */
  interface LocalServer {
    RaftPeerId id();

    CompletableFuture<RaftClientReply> submit(RaftClientRequest request) throws IOException;

    boolean closing();

    static LocalServer of(RaftServer server) {
      return new LocalServer() {
        @Override
        public RaftPeerId id() {
          return server.getId();
        }

        @Override
        public CompletableFuture<RaftClientReply> submit(RaftClientRequest request)
            throws IOException {
          return server.submitClientRequestAsync(request);
        }

        @Override
        public boolean closing() {
          return server.getLifeCycleState().isClosingOrClosed();
        }
      };
    }
  }

  private final LocalServer server;
  private final RaftPeerId localId;
  private final RaftGroupId groupId;
  private final ClientId clientId;
  private final LongSupplier callIds;
  private final Supplier<Optional<RaftPeerId>> leader;
  private final Supplier<Collection<RaftPeer>> members;
  private final Supplier<RaftClientRpc> rpc;
  private final RetryPolicy retryPolicy;
  private final Duration retryWindow;
  private final Executor retries;
  private final NodeClock clock;
  private final Queue<Long> answered = new ConcurrentLinkedQueue<>();

  /**
   * @param callIds the call ids of {@code clientId}, shared with its other requests
   * @param leader the leader this member knows of
   * @param members the members a retry may be sent to
   * @param rpc the transport of the node's Raft client, to reach another leader
   * @param retryWindow how long after the first attempt a write is still sent again
   * @param retries where retries run: never on Ratis' threads, which may hold its locks
   * @param clock times the retry window and the pauses between attempts
   */
  LeaderWrites(LocalServer server, RaftGroupId groupId, ClientId clientId, LongSupplier callIds,
      Supplier<Optional<RaftPeerId>> leader, Supplier<Collection<RaftPeer>> members,
      Supplier<RaftClientRpc> rpc, RetryPolicy retryPolicy, Duration retryWindow,
      Executor retries, NodeClock clock) {
    this.server = server;
    this.localId = server.id();
    this.groupId = groupId;
    this.clientId = clientId;
    this.callIds = callIds;
    this.leader = leader;
    this.members = members;
    this.rpc = rpc;
    this.retryPolicy = retryPolicy;
    this.retryWindow = retryWindow;
    this.retries = retries;
    this.clock = clock;
  }

  /** The write's reply, from this member or, after a leader change, from the new leader. */
  CompletableFuture<RaftClientReply> send(Message message) {
    long callId = callIds.getAsLong();
    Call call = new Call(message, callId, clock.nanoTime() + retryWindow.toNanos(),
        drainAnswered());
    return call.attempt(localId, 1).whenComplete((reply, failure) -> answered.add(callId));
  }

  private List<Long> drainAnswered() {
    List<Long> drained = new ArrayList<>();
    for (Long callId; (callId = answered.poll()) != null; ) {
      drained.add(callId);
    }
    return drained;
  }

  /** One write, sent under one call id as often as it takes. */
  private final class Call {
    private final Message message;
    private final long callId;
    private final long deadlineNanos;
    /** Sent with every attempt: the leader that takes the call may not be the first one asked. */
    private final List<Long> answeredBefore;

    Call(Message message, long callId, long deadlineNanos, List<Long> answeredBefore) {
      this.message = message;
      this.callId = callId;
      this.deadlineNanos = deadlineNanos;
      this.answeredBefore = answeredBefore;
    }

    // the nested futures are flattened by the thenCompose calls that follow them
    @SuppressWarnings("FutureReturnValueIgnored")
    CompletableFuture<RaftClientReply> attempt(RaftPeerId target, int attempt) {
      return submit(target).handle((reply, failure) -> {
        Throwable cause = failure == null ? null : Failures.cause(failure);
        CompletableFuture<RaftClientReply> outcome = cause == null
            ? CompletableFuture.completedFuture(reply) : CompletableFuture.failedFuture(cause);
        Optional<RaftPeerId> next = retryTarget(target, reply, cause);
        if (next.isEmpty()) {
          return outcome;
        }
        RetryPolicy.Action action = retryPolicy.handleAttemptFailure(() -> attempt);
        // told where the leader now is: go there at once
        long sleepNanos = next.get().equals(target) ? action.getSleepTime().toLong(
            TimeUnit.NANOSECONDS) : 0;
        if (!action.shouldRetry() || clock.nanoTime() + sleepNanos - deadlineNanos > 0
            || server.closing()) {
          return outcome;
        }
        LOG.info("Write call {} of {} sent again to {} in {} ms (attempt {}): {}", callId,
            clientId, next.get(), TimeUnit.NANOSECONDS.toMillis(sleepNanos), attempt + 1,
            String.valueOf(cause != null ? cause : reply.getException()));
        Executor later = sleepNanos == 0 ? retries : task -> clock.schedule(
            () -> retries.execute(task), Duration.ofNanos(sleepNanos));
        return CompletableFuture.supplyAsync(() -> attempt(next.get(), attempt + 1), later)
            .thenCompose(retried -> retried);
      }).thenCompose(result -> result);
    }

    private CompletableFuture<RaftClientReply> submit(RaftPeerId target) {
      RaftClientRequest request = RaftClientRequest.newBuilder()
          .setClientId(clientId)
          .setServerId(target)
          .setGroupId(groupId)
          .setCallId(callId)
          .setRepliedCallIds(answeredBefore)
          .setMessage(message)
          .setType(RaftClientRequest.writeRequestType())
          .build();
      try {
        if (target.equals(localId)) {
          return server.submit(request);
        }
        RaftClientRpc transport = rpc.get();
        transport.addRaftPeers(members.get());
        return transport.sendRequestAsyncUnordered(request);
      } catch (IOException | RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    /**
     * Where to send the write again, if anywhere: only when it failed for want of a settled
     * leader or in transport. A state machine's refusal, or a leader stepping down (which
     * refuses before logging), is the outcome.
     */
    private Optional<RaftPeerId> retryTarget(RaftPeerId target, RaftClientReply reply,
        Throwable failure) {
      if (failure != null) {
        boolean transport = failure instanceof IOException
            && !(failure instanceof GroupMismatchException);
        return transport ? knownLeader(target) : Optional.empty();
      }
      NotLeaderException notLeader = reply.getNotLeaderException();
      if (notLeader != null) {
        return Optional.ofNullable(notLeader.getSuggestedLeader()).map(RaftPeer::getId)
            .or(() -> knownLeader(target));
      }
      if (reply.getException() instanceof LeaderNotReadyException
          || reply.getException() instanceof ServerNotReadyException) {
        return Optional.of(target);
      }
      return Optional.empty();
    }

    /** The leader this member knows of, else the last one tried. */
    private Optional<RaftPeerId> knownLeader(RaftPeerId lastTried) {
      return Optional.of(leader.get().orElse(lastTried));
    }
  }
}
