package io.pensieve.server.kv;

import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.LeaseKeepAliveCommand;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.statemachine.CommandValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The lease renewals this node received since it last proposed them: coalesced, as touches
 * are, into one {@link LeaseKeepAliveCommand} per {@link #INTERVAL}, however many clients renew
 * however many leases. Each renewal is answered from the applied command's result, so a client
 * learns its lease's new expiry, or that it no longer exists, only once the renewal is in the
 * replicated state. Bounded: past {@link CommandValidator#MAX_LEASE_IDS} distinct leases
 * waiting, a renewal is refused as overloaded and the client retries.
 */
final class LeaseKeepAlives {
  /**
   * How often a node proposes the renewals it received: short against the shortest lease TTL
   * (5 s, of which a client renews every third), long enough that thousands of clients cost a
   * few log entries a second.
   */
  static final Duration INTERVAL = Duration.ofMillis(500);

  /** By lease id, the renewals waiting for the next command; guarded by this. */
  private Map<Long, List<CompletableFuture<LeaseKeepAliveResponse>>> waiting = new TreeMap<>();

  /** Queues a renewal of lease {@code id} for the next command. */
  CompletableFuture<LeaseKeepAliveResponse> renew(long id) {
    CompletableFuture<LeaseKeepAliveResponse> renewal = new CompletableFuture<>();
    synchronized (this) {
      List<CompletableFuture<LeaseKeepAliveResponse>> forLease = waiting.get(id);
      if (forLease == null) {
        if (waiting.size() >= CommandValidator.MAX_LEASE_IDS) {
          return CompletableFuture.failedFuture(new KvException(ErrorCode.ERROR_CODE_OVERLOADED,
              "this node has " + waiting.size() + " leases' renewals waiting; retry shortly"));
        }
        forLease = new ArrayList<>(1);
        waiting.put(id, forLease);
      }
      forLease.add(renewal);
    }
    return renewal;
  }

  /** The renewals received since the last drain, as one command's worth; empty if none. */
  Batch drain() {
    Map<Long, List<CompletableFuture<LeaseKeepAliveResponse>>> taken;
    synchronized (this) {
      taken = waiting;
      waiting = new TreeMap<>();
    }
    return new Batch(taken);
  }

  /** One command's renewals, answered together once it is applied. */
  static final class Batch {
    private final Map<Long, List<CompletableFuture<LeaseKeepAliveResponse>>> renewals;

    private Batch(Map<Long, List<CompletableFuture<LeaseKeepAliveResponse>>> renewals) {
      this.renewals = renewals;
    }

    boolean isEmpty() {
      return renewals.isEmpty();
    }

    /** The command renewing every lease of the batch, by id. */
    LeaseKeepAliveCommand command() {
      return LeaseKeepAliveCommand.newBuilder().addAllIds(renewals.keySet()).build();
    }

    /** Answers each renewal from the applied command's result. */
    void complete(CommandResult result) {
      if (result.hasError()) {
        fail(new KvException(result.getError().getCode(), result.getError().getMessage()));
        return;
      }
      for (LeaseKeepAliveResponse renewed : result.getLeaseKeepAlive().getRenewedList()) {
        List<CompletableFuture<LeaseKeepAliveResponse>> forLease =
            renewals.remove(renewed.getId());
        if (forLease == null) {
          continue;
        }
        if (renewed.getExpireAtMillis() == 0) {
          KvException gone = new KvException(ErrorCode.ERROR_CODE_NOT_FOUND,
              "lease " + renewed.getId() + " not found");
          forLease.forEach(renewal -> renewal.completeExceptionally(gone));
        } else {
          forLease.forEach(renewal -> renewal.complete(renewed));
        }
      }
      // a result that names fewer leases than the command: never by this build's apply
      fail(new KvException(ErrorCode.ERROR_CODE_INTERNAL, "the renewal's result lacks it"));
    }

    /** Fails every renewal not answered yet: the command was not applied, or not known to be. */
    void fail(Throwable failure) {
      KvException error = KvException.from(failure);
      renewals.values().forEach(forLease ->
          forLease.forEach(renewal -> renewal.completeExceptionally(error)));
      renewals.clear();
    }
  }
}
