package io.pensieve.server.grpc;

import io.grpc.stub.StreamObserver;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.raft.RaftNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Answers a unary call with the outcome of an operation, or refuses it before it starts. */
final class UnaryReply {
  private UnaryReply() {}

  /** The refusal of a node that is not serving as a member (or halted), if it is not. */
  static Optional<KvException> unlessMember(RaftNode raft) {
    return raft.joined() ? Optional.empty() : Optional.of(KvException.notServing(raft));
  }

  static <T> void send(Supplier<Optional<KvException>> refusal,
      Supplier<CompletableFuture<T>> operation, StreamObserver<T> observer) {
    CompletableFuture<T> result;
    Optional<KvException> refused = refusal.get();
    if (refused.isPresent()) {
      result = CompletableFuture.failedFuture(refused.get());
    } else {
      try {
        result = operation.get();
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
    }
    // the callback answers the call whatever the outcome; nothing reads the returned future
    var unused = result.whenComplete((response, failure) -> {
      if (failure != null) {
        observer.onError(GrpcStatus.of(failure));
      } else {
        observer.onNext(response);
        observer.onCompleted();
      }
    });
  }
}
