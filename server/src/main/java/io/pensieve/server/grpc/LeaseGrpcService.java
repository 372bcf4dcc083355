package io.pensieve.server.grpc;

import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseListRequest;
import io.pensieve.proto.v1.LeaseListResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.limits.ConcurrencyLimit;
import io.pensieve.server.raft.RaftNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@code pensieve.v1.Lease} service. Renewals, on the stream or alone, are coalesced by
 * the node into one log command per interval and answered once it is applied, with the expiry
 * it gave the lease.
 */
final class LeaseGrpcService extends LeaseGrpc.LeaseImplBase {
  /**
   * Renewals one KeepAlive stream may have waiting: a client renews each of its leases every
   * third of its TTL, so even a client with many leases waits on few; past this it is flooding.
   */
  static final int MAX_WAITING_RENEWALS_PER_STREAM = 1_000;

  private final KvService kv;
  private final RaftNode raft;
  private final ConcurrencyLimit limit;

  /**
   * @param limit the node's; each renewal a KeepAlive stream carries holds a permit until it
   *     is answered (the stream itself holds none, see {@link ConcurrencyLimitInterceptor})
   */
  LeaseGrpcService(KvService kv, RaftNode raft, ConcurrencyLimit limit) {
    this.kv = kv;
    this.raft = raft;
    this.limit = limit;
  }

  @Override
  public void grant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
    reply(() -> kv.grantLease(request), observer);
  }

  @Override
  public void revoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
    reply(() -> kv.revokeLease(request), observer);
  }

  @Override
  public void keepAliveOnce(LeaseKeepAliveRequest request,
      StreamObserver<LeaseKeepAliveResponse> observer) {
    reply(() -> kv.keepAliveLease(request), observer);
  }

  @Override
  public void timeToLive(LeaseTimeToLiveRequest request,
      StreamObserver<LeaseTimeToLiveResponse> observer) {
    reply(() -> kv.leaseTimeToLive(request), observer);
  }

  @Override
  public void list(LeaseListRequest request, StreamObserver<LeaseListResponse> observer) {
    reply(kv::listLeases, observer);
  }

  /**
   * Each request is answered in order, once its renewal is applied. A renewal that fails (the
   * lease is gone: NOT_FOUND; no leader; a node that stopped serving) ends the stream with
   * that error, as a unary call would: a client whose lease is gone must know at once. Each
   * renewal holds a permit of the node's concurrency limit until answered; one that finds none
   * left ends the stream with OVERLOADED, as a unary call past the limit is refused.
   */
  @Override
  public StreamObserver<LeaseKeepAliveRequest> keepAlive(
      StreamObserver<LeaseKeepAliveResponse> observer) {
    return new KeepAliveStream(observer);
  }

  private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {
    private final StreamObserver<LeaseKeepAliveResponse> observer;
    /** Completes once every request so far is answered; guarded by this. */
    private CompletableFuture<Void> answered = CompletableFuture.completedFuture(null);
    private int waiting;
    private boolean ended;

    KeepAliveStream(StreamObserver<LeaseKeepAliveResponse> observer) {
      this.observer = observer;
    }

    @Override
    public synchronized void onNext(LeaseKeepAliveRequest request) {
      if (ended) {
        return;
      }
      if (waiting >= MAX_WAITING_RENEWALS_PER_STREAM) {
        end(new KvException(ErrorCode.ERROR_CODE_OVERLOADED, "more than "
            + MAX_WAITING_RENEWALS_PER_STREAM + " renewals wait on this stream"));
        return;
      }
      ConcurrencyLimit.Permit permit;
      try {
        permit = limit.acquire();
      } catch (KvException overloaded) {
        end(overloaded);
        return;
      }
      waiting++;
      CompletableFuture<LeaseKeepAliveResponse> renewal = renew(request);
      var unused = renewal.whenComplete((response, failure) -> permit.release());
      answered = answered.thenCompose(previous -> renewal.handle((response, failure) -> {
        synchronized (this) {
          waiting--;
          if (ended) {
            return null;
          }
          if (failure != null) {
            end(failure);
          } else {
            observer.onNext(response);
          }
          return null;
        }
      }));
    }

    private CompletableFuture<LeaseKeepAliveResponse> renew(LeaseKeepAliveRequest request) {
      Optional<KvException> refused = UnaryReply.unlessMember(raft);
      if (refused.isPresent()) {
        return CompletableFuture.failedFuture(refused.get());
      }
      try {
        return kv.keepAliveLease(request);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    private void end(Throwable failure) {
      ended = true;
      observer.onError(GrpcStatus.of(failure));
    }

    @Override
    public synchronized void onError(Throwable cancelled) {
      ended = true; // the client went away: renewals still apply, their answers are dropped
    }

    @Override
    public synchronized void onCompleted() {
      var unused = answered.whenComplete((done, failure) -> {
        synchronized (this) {
          if (!ended) {
            ended = true;
            observer.onCompleted();
          }
        }
      });
    }
  }

  private <T> void reply(Supplier<CompletableFuture<T>> call, StreamObserver<T> observer) {
    UnaryReply.send(() -> UnaryReply.unlessMember(raft), call, observer);
  }
}
