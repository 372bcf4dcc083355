package io.pensieve.server.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.server.time.ManualClock;
import io.pensieve.statemachine.InvalidCommandException;
import io.pensieve.statemachine.RatisMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.junit.jupiter.api.Test;

/**
 * The batching rules, with the leader played by futures the test completes itself and time by
 * a {@link ManualClock}: nothing here waits, and every step is the test's.
 */
@SuppressWarnings("FutureReturnValueIgnored") // tests read what was sent, not every reply
class WriteBatcherTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration NANO = Duration.ofNanos(1);

  private final ManualClock clock = new ManualClock();
  private final List<CommandBatch> sent = new ArrayList<>();
  private final List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>();
  private final WriteBatcher batcher = new WriteBatcher(this::send, TIMEOUT, clock);

  private CompletableFuture<RaftClientReply> send(Message message) {
    try {
      sent.add(RatisMessages.parse(CommandBatch.parser(), message));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();
    replies.add(reply);
    return reply;
  }

  @Test
  void aLoneWriteIsSentAtOnce() {
    batcher.submit(put("a"));

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getCommandsCount()).isEqualTo(1);
  }

  @Test
  void writesArrivingWhileABatchIsInFlightRideTogetherInTheNextOne() {
    CompletableFuture<CommandResult> first = batcher.submit(put("a"));
    CompletableFuture<CommandResult> second = batcher.submit(put("b"));
    CompletableFuture<CommandResult> third = batcher.submit(put("c"));
    assertThat(sent).hasSize(1);

    replies.get(0).complete(success(1));

    assertThat(first).isCompletedWithValueMatching(r -> r.getPut().getVersion() == 1);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).getCommandsList()).containsExactly(put("b"), put("c"));

    replies.get(1).complete(success(2, 3));

    assertThat(second).isCompletedWithValueMatching(r -> r.getPut().getVersion() == 2);
    assertThat(third).isCompletedWithValueMatching(r -> r.getPut().getVersion() == 3);
    assertThat(batcher.idle()).isTrue();
  }

  @Test
  void theNextBatchLeavesBeforeTheLastOnesCallersAreAnswered() {
    // given a batch in flight, a write queued behind it, and a caller noting what was sent
    CompletableFuture<CommandResult> first = batcher.submit(put("a"));
    batcher.submit(put("b"));
    List<Integer> batchesSentWhenAnswered = new ArrayList<>();
    first.thenRun(() -> batchesSentWhenAnswered.add(sent.size()));

    // when the leader answers the first batch
    replies.get(0).complete(success(1));

    // then the second batch had already left when the first caller heard back
    assertThat(batchesSentWhenAnswered).containsExactly(2);
  }

  @Test
  void aBatchHoldsAtMostTheCommandLimit() {
    batcher.submit(put("first"));
    for (int i = 0; i < WriteBatcher.MAX_BATCH_COMMANDS + 5; i++) {
      batcher.submit(put("k" + i));
    }

    replies.get(0).completeExceptionally(new IllegalStateException("lost"));

    assertThat(sent.get(1).getCommandsCount()).isEqualTo(WriteBatcher.MAX_BATCH_COMMANDS);
    replies.get(1).completeExceptionally(new IllegalStateException("lost"));
    assertThat(sent.get(2).getCommandsCount()).isEqualTo(5);
  }

  @Test
  void aBatchHoldsAtMostTheByteLimitAndALargerCommandRidesAlone() {
    // given, behind a batch in flight: two commands of 3 MB with a small one between, one
    // command larger than a whole batch, and a small one
    ByteString threeMegabytes = ByteString.copyFrom(new byte[3 * 1024 * 1024]);
    ByteString tooLarge = ByteString.copyFrom(new byte[WriteBatcher.MAX_BATCH_BYTES + 1]);
    batcher.submit(put("first"));
    batcher.submit(put("big1", threeMegabytes));
    batcher.submit(put("b"));
    batcher.submit(put("big2", threeMegabytes));
    batcher.submit(put("huge", tooLarge));
    batcher.submit(put("c"));

    // when each batch is answered in turn
    for (int i = 0; i < 4; i++) {
      replies.get(i).completeExceptionally(new IllegalStateException("lost"));
    }

    // then each batch stopped short of 4 MB, except the one that holds only the larger command
    assertThat(sent).extracting(WriteBatcherTest::keys).containsExactly(
        List.of("first"), List.of("big1", "b"), List.of("big2"), List.of("huge"), List.of("c"));
  }

  @Test
  void aWriteBeyondTheQueuedBytesBoundIsRefusedAtOnceAsNotApplied() {
    // given a batch in flight, and writes of 4 MB each (one value shared, so cheap) queued
    // behind it
    ByteString fourMegabytes = ByteString.copyFrom(new byte[WriteBatcher.MAX_BATCH_BYTES]);
    batcher.submit(put("first"));
    long bytesEach = put("k", fourMegabytes).getSerializedSize();
    long fit = WriteBatcher.MAX_QUEUED_BYTES / bytesEach;
    for (int i = 0; i < fit; i++) {
      assertThat(batcher.submit(put("k", fourMegabytes))).isNotDone();
    }

    // when one more arrives
    CompletableFuture<CommandResult> refused = batcher.submit(put("k", fourMegabytes));

    // then it is refused at once, as certainly not applied, and never sent
    assertThat(failureOf(refused).code()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(failureOf(refused)).hasMessageContaining("not applied");
    assertThat(sent).hasSize(1);
  }

  @Test
  void aWriteNotConfirmedInTimeIsAnUnknownOutcome() {
    // given a write sent to the leader
    CompletableFuture<CommandResult> write = batcher.submit(put("a"));

    // when its whole timeout passes with no reply
    clock.advance(TIMEOUT.minus(NANO));
    assertThat(write).as("not yet timed out").isNotDone();
    clock.advance(NANO);

    // then it may or may not have been applied, and Ratis' own future is left alone
    assertThat(failureOf(write).code()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
    assertThat(replies.get(0)).as("Ratis' own future is left alone").isNotDone();
  }

  @Test
  void aReplyJustInsideTheTimeoutIsTheOutcomeAndTheTimerIsCancelled() {
    // given a write sent to the leader
    CompletableFuture<CommandResult> write = batcher.submit(put("a"));

    // when the leader answers a nanosecond before the timeout
    clock.advance(TIMEOUT.minus(NANO));
    replies.get(0).complete(success(1));

    // then the answer stands, and no timer is left behind to fire later
    assertThat(write).isCompletedWithValueMatching(r -> r.getPut().getVersion() == 1);
    assertThat(clock.pending()).isZero();
  }

  @Test
  void aBatchThatTimesOutLetsTheNextOneLeaveAtOnce() {
    // given a batch in flight and a write queued behind it
    batcher.submit(put("a"));
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<CommandResult> second = batcher.submit(put("b"));

    // when the first batch times out
    clock.advance(TIMEOUT.minusSeconds(1));

    // then the queued write is sent, with the rest of its own timeout still ahead
    assertThat(sent).hasSize(2);
    assertThat(keys(sent.get(1))).containsExactly("b");
    replies.get(1).complete(success(2));
    assertThat(second).isCompletedWithValueMatching(r -> r.getPut().getVersion() == 2);
  }

  @Test
  void aWriteQueuedPastItsDeadlineIsRefusedAsNotAppliedWithoutBeingSent() {
    // given a batch in flight, and two writes of 3 MB queued a second later, too large to ride
    // together
    ByteString threeMegabytes = ByteString.copyFrom(new byte[3 * 1024 * 1024]);
    batcher.submit(put("a"));
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<CommandResult> big1 = batcher.submit(put("big1", threeMegabytes));
    CompletableFuture<CommandResult> big2 = batcher.submit(put("big2", threeMegabytes));

    // when the first batch times out, then the one carrying big1 does too
    clock.advance(TIMEOUT);
    assertThat(keys(sent.get(1))).containsExactly("big1");
    clock.advance(TIMEOUT);

    // then big1 may have been applied, but big2 waited past its own deadline in the queue: it
    // was never sent, so it certainly was not applied
    assertThat(failureOf(big1).code()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
    assertThat(failureOf(big2).code()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(failureOf(big2)).hasMessageContaining("not applied");
    assertThat(sent).hasSize(2);
    assertThat(batcher.idle()).isTrue();
  }

  @Test
  void aRefusalBeforeTheLogIsADefiniteFailure() {
    CompletableFuture<CommandResult> write = batcher.submit(put("a"));

    replies.get(0).completeExceptionally(new StateMachineException("refused",
        new InvalidCommandException("bad")));

    assertThat(failureOf(write).code()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
  }

  @Test
  void aLeaderHandingOverRefusesBeforeTheLogSoTheWriteCertainlyFailed() {
    CompletableFuture<CommandResult> write = batcher.submit(put("a"));

    replies.get(0).completeExceptionally(new LeaderSteppingDownException("n1 is stepping down"));

    assertThat(failureOf(write).code()).isEqualTo(ErrorCode.ERROR_CODE_NO_LEADER);
  }

  @Test
  void aLostReplyIsAnUnknownOutcomeNeverAFailure() {
    CompletableFuture<CommandResult> write = batcher.submit(put("a"));

    replies.get(0).completeExceptionally(new IOException("connection reset"));

    assertThat(failureOf(write).code()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
  }

  @Test
  void anUnreadableReplyIsAnUnknownOutcome() {
    CompletableFuture<CommandResult> write = batcher.submit(put("a"));

    replies.get(0).complete(Replies.unreadable());

    assertThat(failureOf(write).code()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
  }

  @Test
  void aClosedBatcherRefusesNewWritesAsNotApplied() {
    batcher.close();

    assertThat(failureOf(batcher.submit(put("a"))).code())
        .isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(sent).isEmpty();
  }

  @Test
  void aClosedBatcherStillSendsTheWritesAlreadyQueued() {
    // given a batch in flight and a write queued behind it
    batcher.submit(put("a"));
    CompletableFuture<CommandResult> queued = batcher.submit(put("b"));

    // when the batcher closes, then the first batch is answered
    batcher.close();
    replies.get(0).complete(success(1));

    // then the queued write still went out and is answered
    assertThat(keys(sent.get(1))).containsExactly("b");
    replies.get(1).complete(success(2));
    assertThat(queued).isCompletedWithValueMatching(r -> r.getPut().getVersion() == 2);
    assertThat(batcher.idle()).isTrue();
  }

  /** The failure of a future that has failed already: nothing here waits. */
  private static KvException failureOf(CompletableFuture<?> future) {
    assertThat(future).as("the future failed").isCompletedExceptionally();
    return KvException.from(future.handle((result, error) -> error).join());
  }

  private static List<String> keys(CommandBatch batch) {
    return batch.getCommandsList().stream().map(c -> c.getPut().getKey().toStringUtf8())
        .toList();
  }

  private static Command put(String key) {
    return put(key, ByteString.copyFromUtf8("v"));
  }

  private static Command put(String key, ByteString value) {
    return Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(value)).build();
  }

  private static RaftClientReply success(long... versions) {
    CommandBatchResult.Builder results = CommandBatchResult.newBuilder();
    for (long version : versions) {
      results.addResults(CommandResult.newBuilder()
          .setPut(PutResponse.newBuilder().setVersion(version)));
    }
    return Replies.carrying(results.build());
  }
}
