package io.pensieve.client;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC server on a loopback port that serves KeepAlive streams as a node does: each renewal
 * answered in order with the lease's TTL, and a renewal of a lease it was told is gone ending
 * the stream with NOT_FOUND. It counts the streams opened and ended and each lease's renewals.
 */
final class FakeLeaseNode extends LeaseGrpc.LeaseImplBase implements AutoCloseable {
  private final Server server;
  private final long ttlSeconds;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final Map<Long, AtomicInteger> renewals = new ConcurrentHashMap<>();
  private final Set<Long> gone = ConcurrentHashMap.newKeySet();

  /** @param ttlSeconds the TTL every renewal answers with: 1 renews every third of a second */
  FakeLeaseNode(long ttlSeconds) throws IOException {
    this.ttlSeconds = ttlSeconds;
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(this).build().start();
  }

  String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Renewals of this lease from now on end their stream with NOT_FOUND. */
  void revoke(long id) {
    gone.add(id);
  }

  int streamsOpened() {
    return opened.get();
  }

  int streamsOpen() {
    return open.get();
  }

  int renewals(long id) {
    AtomicInteger count = renewals.get(id);
    return count == null ? 0 : count.get();
  }

  @Override
  public StreamObserver<LeaseKeepAliveRequest> keepAlive(
      StreamObserver<LeaseKeepAliveResponse> answers) {
    opened.incrementAndGet();
    open.incrementAndGet();
    return new StreamObserver<>() {
      private boolean ended;

      @Override
      public synchronized void onNext(LeaseKeepAliveRequest request) {
        if (ended) {
          return;
        }
        if (gone.contains(request.getId())) {
          end();
          answers.onError(Status.NOT_FOUND.withDescription("lease " + request.getId()
              + " not found").asRuntimeException());
          return;
        }
        renewals.computeIfAbsent(request.getId(), id -> new AtomicInteger()).incrementAndGet();
        answers.onNext(LeaseKeepAliveResponse.newBuilder().setId(request.getId())
            .setTtlSeconds(ttlSeconds).build());
      }

      @Override
      public synchronized void onError(Throwable cancelled) {
        end();
      }

      @Override
      public synchronized void onCompleted() {
        if (!ended) {
          end();
          answers.onCompleted();
        }
      }

      private void end() {
        if (!ended) {
          ended = true;
          open.decrementAndGet();
        }
      }
    };
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
