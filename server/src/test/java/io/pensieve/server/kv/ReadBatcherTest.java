package io.pensieve.server.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.GetQuery;
import io.pensieve.internal.v1.GetQueryResult;
import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.server.time.ManualClock;
import io.pensieve.statemachine.RatisMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.junit.jupiter.api.Test;

/**
 * The rules of ReadIndex rounds, with the replica played by futures the test completes and time
 * by a {@link ManualClock}.
 */
@SuppressWarnings("FutureReturnValueIgnored") // tests read the rounds started, not every reply
class ReadBatcherTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration NANO = Duration.ofNanos(1);

  private final ManualClock clock = new ManualClock();
  private final List<GetQuery> rounds = new ArrayList<>();
  private final List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>();
  private final ReadBatcher batcher = new ReadBatcher(this::read, TIMEOUT, clock);

  private CompletableFuture<RaftClientReply> read(Message message) {
    try {
      rounds.add(RatisMessages.parse(Query.parser(), message).getGet());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();
    replies.add(reply);
    return reply;
  }

  @Test
  void aReadArrivingDuringARoundWaitsForTheNextRoundNeverJoiningTheOneInFlight() {
    CompletableFuture<GetResponse> first = batcher.read(key("a"));
    CompletableFuture<GetResponse> second = batcher.read(key("b"));
    CompletableFuture<GetResponse> third = batcher.read(key("c"));

    assertThat(rounds).hasSize(1);
    assertThat(rounds.get(0).getKeysList()).containsExactly(key("a"));

    replies.get(0).complete(found(1));

    assertThat(first).isCompletedWithValueMatching(r -> r.getAppliedIndex() == 1);
    assertThat(rounds.get(1).getKeysList()).containsExactly(key("b"), key("c"));
    replies.get(1).complete(found(2, 2));
    assertThat(second).isCompletedWithValueMatching(r -> r.getAppliedIndex() == 2);
    assertThat(third).isCompletedWithValueMatching(r -> r.getAppliedIndex() == 2);
  }

  @Test
  void theNextRoundStartsBeforeTheLastRoundsReadersAreAnswered() {
    // given a round in flight, a read waiting for the next, and a reader noting the rounds
    CompletableFuture<GetResponse> first = batcher.read(key("a"));
    batcher.read(key("b"));
    List<Integer> roundsWhenAnswered = new ArrayList<>();
    first.thenRun(() -> roundsWhenAnswered.add(rounds.size()));

    // when the first round is answered
    replies.get(0).complete(found(1));

    // then the second round had already started when the first reader heard back
    assertThat(roundsWhenAnswered).containsExactly(2);
  }

  @Test
  void aRoundHoldsAtMostTheKeyLimit() {
    // given a round in flight and more reads waiting than one round may hold
    batcher.read(key("first"));
    for (int i = 0; i < ReadBatcher.MAX_ROUND_KEYS + 3; i++) {
      batcher.read(key("k" + i));
    }

    // when the rounds are answered in turn
    replies.get(0).complete(found(1));
    replies.get(1).complete(found(new long[ReadBatcher.MAX_ROUND_KEYS]));

    // then the waiting reads went out in a full round and then the rest
    assertThat(rounds).extracting(GetQuery::getKeysCount)
        .containsExactly(1, ReadBatcher.MAX_ROUND_KEYS, 3);
  }

  @Test
  void aReadBeyondTheQueueBoundIsRefusedAtOnceAsRetryable() {
    // given a round in flight and as many reads waiting as the queue holds
    batcher.read(key("first"));
    for (int i = 0; i < ReadBatcher.MAX_QUEUED_READS; i++) {
      batcher.read(key("k"));
    }

    // when one more read arrives
    CompletableFuture<GetResponse> refused = batcher.read(key("k"));

    // then it is refused at once, and no round is started for it
    assertThat(failureOf(refused).code()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(rounds).hasSize(1);
  }

  @Test
  void aFailedRoundFailsItsReadsAsRetryableAndTheNextRoundStillRuns() {
    CompletableFuture<GetResponse> first = batcher.read(key("a"));
    CompletableFuture<GetResponse> second = batcher.read(key("b"));

    replies.get(0).completeExceptionally(new IOException("no leader"));

    assertThat(failureOf(first).code()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(rounds).hasSize(2);
    replies.get(1).complete(found(7));
    assertThat(second).isCompletedWithValueMatching(r -> r.getAppliedIndex() == 7);
  }

  @Test
  void aRoundRefusedByRaftFailsItsReadsAsRetryableNamingWhy() {
    // given a round in flight
    CompletableFuture<GetResponse> read = batcher.read(key("a"));

    // when Raft refuses it: the leader has not yet committed an entry of its term
    replies.get(0).complete(Replies.refusedWith(new LeaderNotReadyException(
        RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId()))));

    // then the read fails as retryable, saying why
    assertThat(failureOf(read).code()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(failureOf(read)).hasMessageContaining("LeaderNotReadyException");
  }

  @Test
  void anUnreadableReplyFailsTheRoundAsRetryable() {
    CompletableFuture<GetResponse> read = batcher.read(key("a"));

    replies.get(0).complete(Replies.unreadable());

    assertThat(failureOf(read).code()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
  }

  @Test
  void aRoundNotAnsweredInTimeFailsItsReadsAndTheNextRoundStarts() {
    // given a round in flight and a read waiting for the next one
    CompletableFuture<GetResponse> first = batcher.read(key("a"));
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<GetResponse> second = batcher.read(key("b"));

    // when the round's whole timeout passes unanswered
    clock.advance(TIMEOUT.minusSeconds(1).minus(NANO));
    assertThat(first).as("not yet timed out").isNotDone();
    clock.advance(NANO);

    // then its read fails as retryable, Ratis' own future is left alone, and the waiting read
    // has a round of its own
    assertThat(failureOf(first).code()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(failureOf(first)).hasMessageContaining("TimeoutException");
    assertThat(replies.get(0)).isNotDone();
    assertThat(rounds.get(1).getKeysList()).containsExactly(key("b"));
    replies.get(1).complete(found(3));
    assertThat(second).isCompletedWithValueMatching(r -> r.getAppliedIndex() == 3);
    assertThat(clock.pending()).as("no timer left behind").isZero();
  }

  private static KvException failureOf(CompletableFuture<?> future) {
    assertThat(future).as("the future failed").isCompletedExceptionally();
    return KvException.from(future.handle((result, error) -> error).join());
  }

  private static ByteString key(String key) {
    return ByteString.copyFromUtf8(key);
  }

  private static RaftClientReply found(long... appliedIndexes) {
    GetQueryResult.Builder results = GetQueryResult.newBuilder();
    Arrays.stream(appliedIndexes).forEach(index ->
        results.addResults(GetResponse.newBuilder().setFound(true).setAppliedIndex(index)));
    return Replies.carrying(QueryResult.newBuilder().setGet(results).build());
  }
}
