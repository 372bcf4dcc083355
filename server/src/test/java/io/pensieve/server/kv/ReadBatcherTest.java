package io.pensieve.server.kv;

import io.pensieve.proto.v1.ErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.GetQuery;
import io.pensieve.internal.v1.GetQueryResult;
import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.statemachine.RatisMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.junit.jupiter.api.Test;

/** The rules of ReadIndex rounds, with the replica played by futures the test completes. */
class ReadBatcherTest {
  private final List<GetQuery> rounds = new ArrayList<>();
  private final List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>();
  private final ReadBatcher batcher = new ReadBatcher(this::read, Duration.ofSeconds(5));

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
  void aFailedRoundFailsItsReadsAsRetryableAndTheNextRoundStillRuns() {
    CompletableFuture<GetResponse> first = batcher.read(key("a"));
    CompletableFuture<GetResponse> second = batcher.read(key("b"));

    replies.get(0).completeExceptionally(new java.io.IOException("no leader"));

    assertThat(first.handle((r, e) -> KvException.from(e).code()).join())
        .isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(rounds).hasSize(2);
    replies.get(1).complete(found(7));
    assertThat(second).isCompletedWithValueMatching(r -> r.getAppliedIndex() == 7);
  }

  private static ByteString key(String key) {
    return ByteString.copyFromUtf8(key);
  }

  private static RaftClientReply found(long... appliedIndexes) {
    GetQueryResult.Builder results = GetQueryResult.newBuilder();
    for (long index : appliedIndexes) {
      results.addResults(GetResponse.newBuilder().setFound(true).setAppliedIndex(index));
    }
    return Replies.carrying(QueryResult.newBuilder().setGet(results).build());
  }
}
