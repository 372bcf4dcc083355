package io.pensieve.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;

/**
 * What {@link LeaderWrites} sends again, where, when and under which id, with every member
 * played by futures the test answers and time stepped by a {@link ManualClock}. The same
 * semantics on a real cluster: {@link LeaderWritesIT}.
 */
@SuppressWarnings("FutureReturnValueIgnored") // tests read what reached the leader, not every reply
class LeaderWritesTest {
  private static final Duration RETRY_WINDOW = Duration.ofSeconds(1);
  private static final Duration PAUSE = Duration.ofMillis(300);
  private static final Duration NANO = Duration.ofNanos(1);
  private static final RaftGroupId GROUP = RaftGroupId.randomId();
  private static final RaftPeerId SELF = RaftPeerId.valueOf("n1");
  private static final RaftPeer N2 = RaftPeer.newBuilder().setId("n2").setAddress("n2:1").build();
  private static final RaftPeer N3 = RaftPeer.newBuilder().setId("n3").setAddress("n3:1").build();

  private final ManualClock clock = new ManualClock();
  private final ClientId clientId = ClientId.randomId();
  /** Every attempt, to this member or another, with its pending answer at the same index. */
  private final List<RaftClientRequest> attempts = new ArrayList<>();
  private final List<CompletableFuture<RaftClientReply>> answers = new ArrayList<>();
  private Optional<RaftPeerId> knownLeader = Optional.empty();
  private boolean closing;
  private final LeaderWrites writes = new LeaderWrites(new FakeLocalServer(), GROUP, clientId,
      new AtomicLong(100)::incrementAndGet, () -> knownLeader, () -> List.of(N2, N3),
      FakeRpc::new, RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
          TimeDuration.valueOf(PAUSE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)),
      RETRY_WINDOW, Runnable::run, clock);

  @Test
  void aWriteRefusedForWantOfLeadGoesAtOnceToTheNamedLeaderUnderItsFirstCallId() {
    // given a write this member tried to log itself
    CompletableFuture<RaftClientReply> outcome = writes.send(message());

    // when it answers that it is not the leader, naming n2
    answer(0, notLeader(N2));

    // then the write goes to n2 at once, under the same client and call id
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(1).getServerId()).isEqualTo(N2.getId());
    assertThat(attempts.get(1).getClientId()).isEqualTo(clientId);
    assertThat(attempts.get(1).getCallId()).isEqualTo(attempts.get(0).getCallId());

    // and n2's answer is the outcome
    answer(1, success(attempts.get(1)));
    assertThat(outcome).isCompletedWithValueMatching(RaftClientReply::isSuccess);
  }

  @Test
  void aWriteRefusedByALeaderNotYetReadyIsSentAgainAfterThePauseUnderItsFirstCallId() {
    // given a write this member tried to log itself
    CompletableFuture<RaftClientReply> outcome = writes.send(message());

    // when it answers that its leadership is not settled yet
    answer(0, leaderNotReady());

    // then the same member is asked again once the pause has passed, not before
    clock.advance(PAUSE.minus(NANO));
    assertThat(attempts).hasSize(1);
    clock.advance(NANO);
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(1).getServerId()).isEqualTo(SELF);
    assertThat(attempts.get(1).getCallId()).isEqualTo(attempts.get(0).getCallId());
    answer(1, success(attempts.get(1)));
    assertThat(outcome).isCompletedWithValueMatching(RaftClientReply::isSuccess);
  }

  @Test
  void aWriteStillRefusedWhenTheNextPauseWouldEndPastTheWindowGivesUpWithTheRefusal() {
    // given a member that stays not ready: attempts at 0, 300, 600 and 900 ms of a 1 s window
    CompletableFuture<RaftClientReply> outcome = writes.send(message());
    for (int attempt = 0; attempt < 3; attempt++) {
      answer(attempt, leaderNotReady());
      clock.advance(PAUSE);
    }
    assertThat(outcome).isNotDone();

    // when the fourth attempt is refused too, with the next pause ending at 1.2 s
    answer(3, leaderNotReady());

    // then the refusal is the outcome, at once, and every attempt carried the first call id
    assertThat(outcome).isCompletedWithValueMatching(reply -> !reply.isSuccess()
        && reply.getException() instanceof LeaderNotReadyException);
    assertThat(attempts).hasSize(4).extracting(RaftClientRequest::getCallId).containsOnly(
        attempts.get(0).getCallId());
    clock.advance(RETRY_WINDOW);
    assertThat(attempts).hasSize(4);
  }

  @Test
  void aNotLeaderNamingNoOneGoesToTheLeaderThisMemberKnows() {
    // given a write this member tried to log itself, and n3 as the leader it knows of
    knownLeader = Optional.of(N3.getId());
    writes.send(message());

    // when it answers that it is not the leader, naming no one
    answer(0, notLeader(null));

    // then the write goes at once to n3
    assertThat(attempts).extracting(RaftClientRequest::getServerId)
        .containsExactly(SELF, N3.getId());
  }

  @Test
  void aLostConnectionIsSentAgainToTheKnownLeader() {
    // given a write sent on to n2, and n3 as the leader this member now knows of
    writes.send(message());
    answer(0, notLeader(N2));
    knownLeader = Optional.of(N3.getId());

    // when the connection to n2 fails
    answers.get(1).completeExceptionally(new IOException("connection reset"));

    // then the write goes at once to n3, under its first call id
    assertThat(attempts).extracting(RaftClientRequest::getServerId)
        .containsExactly(SELF, N2.getId(), N3.getId());
    assertThat(attempts.get(2).getCallId()).isEqualTo(attempts.get(0).getCallId());
  }

  @Test
  void aRefusalOfTheStateMachineIsTheOutcomeAndNothingIsSentAgain() {
    CompletableFuture<RaftClientReply> outcome = writes.send(message());

    answer(0, refused(new StateMachineException("invalid command")));
    clock.advance(RETRY_WINDOW);

    assertThat(outcome).isCompletedWithValueMatching(
        reply -> reply.getException() instanceof StateMachineException);
    assertThat(attempts).hasSize(1);
  }

  @Test
  void aMemberThatIsClosingSendsNothingAgain() {
    CompletableFuture<RaftClientReply> outcome = writes.send(message());
    closing = true;

    answer(0, leaderNotReady());
    clock.advance(RETRY_WINDOW);

    assertThat(outcome).isCompletedWithValueMatching(reply -> !reply.isSuccess());
    assertThat(attempts).hasSize(1);
  }

  @Test
  void eachWriteTellsTheLeaderWhichCallsWereAnsweredSinceTheLastOne() {
    // given a first write, answered
    writes.send(message());
    long first = attempts.get(0).getCallId();
    answer(0, success(attempts.get(0)));

    // when a second write is sent, and has to be sent again
    writes.send(message());
    answer(1, leaderNotReady());
    clock.advance(PAUSE);

    // then it has a call id of its own, and both its attempts name the first call as answered
    assertThat(attempts.get(1).getCallId()).isNotEqualTo(first);
    assertThat(attempts.get(1).getRepliedCallIds()).containsExactly(first);
    assertThat(attempts.get(2).getRepliedCallIds()).containsExactly(first);
  }

  private void answer(int attempt, RaftClientReply reply) {
    answers.get(attempt).complete(reply);
  }

  private RaftClientReply notLeader(RaftPeer suggested) {
    return refused(new NotLeaderException(RaftGroupMemberId.valueOf(SELF, GROUP), suggested,
        List.of(N2, N3)));
  }

  private RaftClientReply leaderNotReady() {
    return refused(new LeaderNotReadyException(RaftGroupMemberId.valueOf(SELF, GROUP)));
  }

  private RaftClientReply refused(RaftException exception) {
    return RaftClientReply.newBuilder().setRequest(attempts.get(attempts.size() - 1))
        .setException(exception).build();
  }

  private static RaftClientReply success(RaftClientRequest request) {
    return RaftClientReply.newBuilder().setRequest(request).setSuccess().build();
  }

  private static Message message() {
    return Message.valueOf("put");
  }

  private CompletableFuture<RaftClientReply> record(RaftClientRequest request) {
    CompletableFuture<RaftClientReply> answer = new CompletableFuture<>();
    attempts.add(request);
    answers.add(answer);
    return answer;
  }

  private final class FakeLocalServer implements LeaderWrites.LocalServer {
    @Override
    public RaftPeerId id() {
      return SELF;
    }

    @Override
    public CompletableFuture<RaftClientReply> submit(RaftClientRequest request) {
      return record(request);
    }

    @Override
    public boolean closing() {
      return closing;
    }
  }

  /** The way to the other members. */
  private final class FakeRpc implements RaftClientRpc {
    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(
        RaftClientRequest request) {
      return record(request);
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) {
      throw new UnsupportedOperationException("writes are sent asynchronously");
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {}

    @Override
    public void close() {}
  }
}
