package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.StatusRuntimeException;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One call to every member's own gRPC address, all at once, each with a short deadline: a member
 * that is down costs one deadline, not one per member. Each goes through a client of that member
 * only ({@link Cluster#callAt}), with pvctl's TLS and token.
 */
final class EachMember {
  private static final int MAX_THREADS = 16;
  /** The code of a member that has not yet told the others its gRPC address (just added). */
  static final String NOT_ADVERTISED = "not_advertised";

  private EachMember() {}

  /**
   * A member's answer, or why it gave none.
   *
   * @param unreachable no answer came from the member, or it said it cannot serve now
   */
  record Reply<T>(Member member, Optional<T> value, String errorCode, String errorMessage,
      boolean unreachable) {
    boolean answered() {
      return value.isPresent();
    }

    T get() {
      return value.orElseThrow();
    }

    /** For a table cell: {@code unreachable (...)}, no address yet, or the error and its code. */
    String errorCell() {
      if (unreachable) {
        return "unreachable (" + errorMessage + ")";
      }
      return errorCode.equals(NOT_ADVERTISED) ? "no gRPC address yet"
          : "error (" + errorMessage + ", " + errorCode + ")";
    }

    ObjectNode errorJson() {
      return ProtoJson.object().put("code", errorCode).put("message", errorMessage);
    }
  }

  static <T> List<Reply<T>> call(Cluster cluster, ClusterResponse members, Cluster.Rpc<T> rpc) {
    Duration deadline = Members.perMemberDeadline(cluster);
    int threads = Math.max(1, Math.min(MAX_THREADS, members.getMembersCount()));
    ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "pvctl-member-call");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<CompletableFuture<Reply<T>>> futures = new ArrayList<>();
      for (Member member : members.getMembersList()) {
        futures.add(CompletableFuture.supplyAsync(
            () -> callOne(cluster, member, deadline, rpc), executor));
      }
      return futures.stream().map(CompletableFuture::join).toList();
    } finally {
      executor.shutdownNow();
    }
  }

  private static <T> Reply<T> callOne(Cluster cluster, Member member, Duration deadline,
      Cluster.Rpc<T> rpc) {
    if (member.getGrpcAddress().isEmpty()) {
      return new Reply<>(member, Optional.empty(), NOT_ADVERTISED,
          "has not advertised its gRPC address yet", false);
    }
    try {
      return new Reply<>(member, Optional.of(cluster.callAt(member.getGrpcAddress(), deadline, rpc)),
          "", "", false);
    } catch (PensieveException e) {
      StatusRuntimeException failure = GrpcErrors.grpcFailure(e);
      return new Reply<>(member, Optional.empty(), GrpcErrors.code(failure),
          GrpcErrors.describe(failure), GrpcErrors.unreachable(failure));
    }
  }
}
