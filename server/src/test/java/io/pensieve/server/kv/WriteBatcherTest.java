package io.pensieve.server.kv;

import io.pensieve.proto.v1.ErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.statemachine.InvalidCommandException;
import io.pensieve.statemachine.RatisMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.junit.jupiter.api.Test;

/** The batching rules, with the leader played by futures the test completes itself. */
@SuppressWarnings("FutureReturnValueIgnored") // tests read what was sent, not every reply
class WriteBatcherTest {
  private final List<CommandBatch> sent = new ArrayList<>();
  private final List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>();
  private final WriteBatcher batcher = new WriteBatcher(this::send, Duration.ofSeconds(5));

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
  void aBatchHoldsAtMostTheCommandLimit() {
    batcher.submit(put("first"));
    for (int i = 0; i < WriteBatcher.MAX_BATCH_COMMANDS + 5; i++) {
      batcher.submit(put("k" + i));
    }

    replies.get(0).completeExceptionally(new IllegalStateException("lost"));

    assertThat(sent.get(1).getCommandsCount()).isEqualTo(WriteBatcher.MAX_BATCH_COMMANDS);
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

    replies.get(0).completeExceptionally(new java.io.IOException("connection reset"));

    assertThat(failureOf(write).code()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
  }

  @Test
  void aWriteNotConfirmedInTimeIsAnUnknownOutcome() {
    WriteBatcher impatient = new WriteBatcher(this::send, Duration.ofMillis(50));

    CompletableFuture<CommandResult> write = impatient.submit(put("a"));

    assertThat(failureOf(write).code()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME);
    assertThat(replies.get(0)).as("Ratis' own future is left alone").isNotDone();
  }

  @Test
  void aClosedBatcherRefusesNewWritesAsNotApplied() {
    batcher.close();

    assertThat(failureOf(batcher.submit(put("a"))).code())
        .isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(sent).isEmpty();
  }

  private static KvException failureOf(CompletableFuture<?> future) {
    Throwable failure = future.handle((result, error) -> error)
        .orTimeout(5, TimeUnit.SECONDS).join();
    assertThat(failure).as("the future failed").isNotNull();
    return KvException.from(failure);
  }

  private static Command put(String key) {
    return Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v"))).build();
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
