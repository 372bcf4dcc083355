package io.pensieve.server.grpc;

import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareAndSetResponse;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import io.pensieve.server.auth.CallerAccess;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.raft.RaftNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@code pensieve.v1.KV} service. Absence is data, not an error, as in etcd: a Get of a
 * missing key answers {@code found=false}, a failed compare {@code succeeded=false}.
 */
final class KvGrpcService extends KVGrpc.KVImplBase {
  private final KvService kv;
  private final RaftNode raft;

  KvGrpcService(KvService kv, RaftNode raft) {
    this.kv = kv;
    this.raft = raft;
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> observer) {
    reply(() -> kv.put(request), observer);
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> observer) {
    reply(() -> kv.get(request), observer);
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
    reply(() -> kv.range(request), observer);
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> observer) {
    reply(() -> kv.delete(request), observer);
  }

  @Override
  public void deleteRange(DeleteRangeRequest request,
      StreamObserver<DeleteRangeResponse> observer) {
    reply(() -> kv.deleteRange(request), observer);
  }

  @Override
  public void compareAndSet(CompareAndSetRequest request,
      StreamObserver<CompareAndSetResponse> observer) {
    reply(() -> kv.compareAndSet(request), observer);
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
    CallerAccess caller = AuthInterceptor.CALLER.get();
    reply(() -> kv.txn(request, caller), observer);
  }

  @Override
  public void stats(StatsRequest request, StreamObserver<StatsResponse> observer) {
    reply(() -> CompletableFuture.completedFuture(kv.stats()), observer);
  }

  @Override
  public void cluster(ClusterRequest request, StreamObserver<ClusterResponse> observer) {
    reply(() -> CompletableFuture.completedFuture(kv.cluster()), observer);
  }

  private <T> void reply(Supplier<CompletableFuture<T>> call, StreamObserver<T> observer) {
    UnaryReply.send(() -> UnaryReply.unlessMember(raft), call, observer);
  }
}
