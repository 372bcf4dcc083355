package io.pensieve.server.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.pensieve.internal.v1.GetQuery;
import io.pensieve.internal.v1.GetQueryResult;
import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.server.Failures;
import io.pensieve.server.time.NodeClock;
import io.pensieve.statemachine.RatisMessages;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Serves linearizable reads in rounds: one ReadIndex round with the leader answers every read
 * that arrived before the round began. A read that arrives during a round waits for the next
 * one, since the round in flight may have fixed its read index before the read arrived. A read
 * that finds no round in flight starts one at once.
 */
final class ReadBatcher {
  static final int MAX_ROUND_KEYS = 4096;
  static final int MAX_QUEUED_READS = 100_000;

  private record Pending(ByteString key, CompletableFuture<GetResponse> result) {}

  private final Function<Message, CompletableFuture<RaftClientReply>> reader;
  private final Duration timeout;
  private final NodeClock clock;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean inFlight;

  ReadBatcher(Function<Message, CompletableFuture<RaftClientReply>> reader, Duration timeout,
      NodeClock clock) {
    this.reader = reader;
    this.timeout = timeout;
    this.clock = clock;
  }

  CompletableFuture<GetResponse> read(ByteString key) {
    Pending pending = new Pending(key, new CompletableFuture<>());
    List<Pending> round;
    synchronized (this) {
      if (queue.size() >= MAX_QUEUED_READS) {
        return CompletableFuture.failedFuture(new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
            "too many reads waiting on this node; retry later"));
      }
      queue.add(pending);
      round = inFlight ? List.of() : takeRound();
    }
    start(round);
    return pending.result();
  }

  private List<Pending> takeRound() {
    List<Pending> round = new ArrayList<>(Math.min(queue.size(), MAX_ROUND_KEYS));
    while (!queue.isEmpty() && round.size() < MAX_ROUND_KEYS) {
      round.add(queue.poll());
    }
    inFlight = !round.isEmpty();
    return round;
  }

  // the whenComplete callback answers every reader whatever the outcome: nothing reads its future
  @SuppressWarnings("FutureReturnValueIgnored")
  private void start(List<Pending> round) {
    if (round.isEmpty()) {
      return;
    }
    GetQuery.Builder keys = GetQuery.newBuilder();
    round.forEach(p -> keys.addKeys(p.key()));
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = reader.apply(RatisMessages.toMessage(Query.newBuilder().setGet(keys).build())).copy();
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    clock.failAfter(reply, timeout).whenComplete((r, failure) -> {
      // the next round starts before this one's readers are answered (see WriteBatcher)
      List<Pending> next;
      synchronized (this) {
        next = takeRound();
      }
      start(next);
      complete(round, r, failure);
    });
  }

  private static void complete(List<Pending> round, RaftClientReply reply, Throwable failure) {
    Throwable problem = failure != null ? failure : (reply.isSuccess() ? null : reply.getException());
    GetQueryResult results = null;
    if (problem == null) {
      try {
        results = RatisMessages.parse(QueryResult.parser(), reply.getMessage()).getGet();
      } catch (InvalidProtocolBufferException e) {
        problem = e;
      }
    }
    if (problem != null) {
      KvException error = readFailed(problem);
      round.forEach(p -> p.result().completeExceptionally(error));
      return;
    }
    for (int i = 0; i < round.size(); i++) {
      round.get(i).result().complete(results.getResults(i));
    }
  }

  /** What a linearizable read that could not be served fails with. */
  static KvException readFailed(Throwable problem) {
    return new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE, "linearizable read failed ("
        + describe(problem) + "); retry, or read with consistency=stale");
  }

  private static String describe(Throwable problem) {
    Throwable cause = Failures.cause(problem);
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage()));
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
