package io.pensieve.cli.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A bench client over one gRPC channel (one HTTP/2 connection), its requests multiplexed on it.
 * An error's kind is the gRPC status code, with the node's own code when it sent one
 * ({@code UNAVAILABLE/overloaded}); a read of a missing key is {@code not_found}.
 */
final class GrpcKvClient implements KvClient {
  /** The trailer in which a Pensieve node names its error, as on REST. */
  static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("pensieve-error-code", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final KVGrpc.KVStub stub;
  private final long timeoutNanos;
  private final ByteString value;
  private final Consistency consistency;

  /** @param channel this client's own; closed with it */
  GrpcKvClient(ManagedChannel channel, Duration timeout, String value, boolean staleReads) {
    this.channel = channel;
    this.stub = KVGrpc.newStub(channel);
    this.timeoutNanos = timeout.toNanos();
    this.value = ByteString.copyFrom(value, StandardCharsets.US_ASCII);
    this.consistency = staleReads
        ? Consistency.CONSISTENCY_STALE : Consistency.CONSISTENCY_LINEARIZABLE;
  }

  @Override
  public void put(String key, Done done) {
    PutRequest request = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(value).build();
    stub.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
        .put(request, new Answer<PutResponse>(done));
  }

  @Override
  public void get(String key, Done done) {
    GetRequest request = GetRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setConsistency(consistency).build();
    stub.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS).get(request,
        new Answer<GetResponse>(done) {
          @Override
          String check(GetResponse response) {
            return response.getFound() ? null : "not_found";
          }
        });
  }

  /** {@code CODE} or {@code CODE/node_code}. */
  static String errorKind(Throwable failure) {
    Status status = Status.fromThrowable(failure);
    Metadata trailers = Status.trailersFromThrowable(failure);
    String nodeCode = trailers == null ? null : trailers.get(ERROR_CODE);
    return status.getCode().name() + (nodeCode == null ? "" : "/" + nodeCode);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  /** One unary answer: an error kind from the response or the failure, reported once. */
  private static class Answer<T> implements StreamObserver<T> {
    private final Done done;
    private String error;

    Answer(Done done) {
      this.done = done;
    }

    /** The error a successful response still carries, if any. */
    @SuppressWarnings("UnusedVariable") // none here; the Get answer overrides this to read it
    String check(T response) {
      return null;
    }

    @Override
    public void onNext(T response) {
      error = check(response);
    }

    @Override
    public void onError(Throwable failure) {
      done.complete(errorKind(failure));
    }

    @Override
    public void onCompleted() {
      done.complete(error);
    }
  }
}
