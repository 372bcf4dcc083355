package io.pensieve.client;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pensieve.api.ErrorContract;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC server on a loopback port that answers as a node would: every put and get either
 * succeeds or fails with the error code it is told to, trailer and status as a node sends them.
 * It counts the calls it received, so a test sees where a client sent them.
 */
final class FakeNode extends KVGrpc.KVImplBase implements AutoCloseable {
  private final Server server;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile Optional<ErrorContract> failWith = Optional.empty();

  FakeNode() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(this).build().start();
  }

  /** A loopback address nothing listens on. */
  static String closedEndpoint() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Every call from now on fails with this node code. */
  FakeNode failing(String code) {
    failWith = Optional.of(ErrorContract.named(code).orElseThrow());
    return this;
  }

  FakeNode answering() {
    failWith = Optional.empty();
    return this;
  }

  int calls() {
    return calls.get();
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> answer) {
    reply(answer, PutResponse.newBuilder().setVersion(calls.get()).build());
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> answer) {
    reply(answer, GetResponse.newBuilder().setFound(false).build());
  }

  private <T> void reply(StreamObserver<T> answer, T response) {
    calls.incrementAndGet();
    Optional<ErrorContract> failure = failWith;
    if (failure.isPresent()) {
      Metadata trailers = ErrorTrailer.of(failure.get());
      answer.onError(Status.fromCode(failure.get().grpcCode())
          .withDescription(failure.get().name()).asRuntimeException(trailers));
      return;
    }
    answer.onNext(response);
    answer.onCompleted();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
