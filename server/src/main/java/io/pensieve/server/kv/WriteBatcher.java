package io.pensieve.server.kv;

import com.google.protobuf.InvalidProtocolBufferException;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.Failures;
import io.pensieve.server.time.NodeClock;
import io.pensieve.statemachine.InvalidCommandException;
import io.pensieve.statemachine.RatisMessages;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.StateMachineException;

/**
 * Coalesces the writes that arrive while a batch is in flight into the next log entry.
 *
 * <p>Ratis pays per entry, not per byte, so one entry of many commands costs little more than
 * one of a single command. A write that finds nothing in flight is sent at once; writes that
 * arrive meanwhile wait for it and then ride together, at most {@link #MAX_BATCH_COMMANDS}
 * commands and {@link #MAX_BATCH_BYTES} bytes per entry (a larger command rides alone). Each
 * command gets its own result. The queue is bounded: past {@link #MAX_QUEUED_BYTES} a write is
 * refused at once rather than left to time out.
 */
final class WriteBatcher {
  static final int MAX_BATCH_COMMANDS = 1024;
  static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;
  static final long MAX_QUEUED_BYTES = 256L * 1024 * 1024;

  private record Pending(Command command, int bytes, long deadlineNanos,
                         CompletableFuture<CommandResult> result) {}

  private final Function<Message, CompletableFuture<RaftClientReply>> sender;
  private final Duration timeout;
  private final NodeClock clock;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean inFlight;
  private boolean closed;

  WriteBatcher(Function<Message, CompletableFuture<RaftClientReply>> sender, Duration timeout,
      NodeClock clock) {
    this.sender = sender;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** The command's result once applied; fails with a {@link KvException}. */
  CompletableFuture<CommandResult> submit(Command command) {
    Pending pending = new Pending(command, command.getSerializedSize(),
        clock.nanoTime() + timeout.toNanos(), new CompletableFuture<>());
    List<Pending> batch;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
                "the node is shutting down; not applied"));
      }
      if (queuedBytes + pending.bytes() > MAX_QUEUED_BYTES) {
        return CompletableFuture.failedFuture(new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
            "too many writes waiting on this node; not applied, retry later"));
      }
      queue.add(pending);
      queuedBytes += pending.bytes();
      batch = inFlight ? List.of() : takeBatch();
    }
    send(batch);
    return pending.result();
  }

  /** Refuses new writes; those already queued still go out. */
  synchronized void close() {
    closed = true;
  }

  /** Whether any write is queued or in flight. */
  synchronized boolean idle() {
    return !inFlight && queue.isEmpty();
  }

  /** Takes the next batch from the queue and marks it in flight; empty when none. */
  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>();
    int bytes = 0;
    long now = clock.nanoTime();
    while (!queue.isEmpty() && batch.size() < MAX_BATCH_COMMANDS) {
      Pending next = queue.peek();
      if (!batch.isEmpty() && bytes + next.bytes() > MAX_BATCH_BYTES) {
        break;
      }
      queue.poll();
      queuedBytes -= next.bytes();
      if (now - next.deadlineNanos() > 0) {
        next.result().completeExceptionally(new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
            "timed out waiting to be sent to the leader; not applied, retry later"));
        continue;
      }
      batch.add(next);
      bytes += next.bytes();
    }
    inFlight = !batch.isEmpty();
    return batch;
  }

  // the whenComplete callback answers every caller whatever the outcome: nothing reads its future
  @SuppressWarnings("FutureReturnValueIgnored")
  private void send(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    CommandBatch.Builder entry = CommandBatch.newBuilder();
    batch.forEach(p -> entry.addCommands(p.command()));
    CompletableFuture<RaftClientReply> reply;
    try {
      // a copy, so that the timeout below never completes the sender's own future
      reply = sender.apply(RatisMessages.toMessage(entry.build())).copy();
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    clock.failAfter(reply, timeout).whenComplete((r, failure) -> {
      // the next batch leaves before this one's callers are answered: answering runs their
      // replies (JSON, socket writes) on this thread, and the log should not wait for that
      List<Pending> next;
      synchronized (this) {
        next = takeBatch();
      }
      send(next);
      complete(batch, r, failure);
    });
  }

  private static void complete(List<Pending> batch, RaftClientReply reply, Throwable failure) {
    Throwable problem = failure != null ? failure : (reply.isSuccess() ? null : reply.getException());
    if (problem != null) {
      KvException error = classify(problem);
      batch.forEach(p -> p.result().completeExceptionally(error));
      return;
    }
    CommandBatchResult results;
    try {
      results = RatisMessages.parse(CommandBatchResult.parser(), reply.getMessage());
    } catch (InvalidProtocolBufferException e) {
      KvException error = new KvException(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME,
          "the leader's reply could not be read; the writes may or may not have been applied");
      batch.forEach(p -> p.result().completeExceptionally(error));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(results.getResults(i));
    }
  }

  /** Only a refusal before the log is a definite failure; anything else may have applied. */
  private static KvException classify(Throwable problem) {
    Throwable cause = Failures.cause(problem);
    if (cause instanceof StateMachineException && cause.getCause() instanceof InvalidCommandException
        invalid) {
      return new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, invalid.getMessage());
    }
    if (cause instanceof LeaderSteppingDownException) {
      // refused before the log while leadership moves to another member
      return new KvException(ErrorCode.ERROR_CODE_NO_LEADER, "leadership is being transferred; not "
          + "applied, retry");
    }
    if (cause instanceof TimeoutException) {
      return new KvException(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME,
          "the write was sent but not confirmed "
          + "in time; it may or may not have been applied");
    }
    return new KvException(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME,
        "the write was sent but the reply was "
        + "lost (" + cause.getClass().getSimpleName() + "); it may or may not have been applied");
  }
}
