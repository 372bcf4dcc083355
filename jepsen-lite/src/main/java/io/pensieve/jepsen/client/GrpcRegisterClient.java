package io.pensieve.jepsen.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareAndSetResponse;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.PutRequest;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The register over a node's gRPC {@code KV} service. */
public final class GrpcRegisterClient implements RegisterClient {
  private static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("pensieve-error-code", Metadata.ASCII_STRING_MARSHALLER);

  private final KVGrpc.KVBlockingStub kv;
  private final Duration timeout;
  private final Consistency reads;

  public GrpcRegisterClient(Channel channel, Duration timeout, boolean staleReads) {
    this.kv = KVGrpc.newBlockingStub(channel);
    this.timeout = timeout;
    this.reads = staleReads ? Consistency.CONSISTENCY_STALE : Consistency.CONSISTENCY_LINEARIZABLE;
  }

  @Override
  public Outcome read(String key) {
    try {
      GetResponse response = stub().get(GetRequest.newBuilder().setKey(utf8(key))
          .setConsistency(reads).build());
      return Outcome.ok(response.getFound() ? response.getKv().getValue().toStringUtf8() : null);
    } catch (StatusRuntimeException e) {
      return Outcome.fail(describe(e));
    }
  }

  @Override
  public Outcome write(String key, String value) {
    try {
      stub().put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build());
      return Outcome.ok(null);
    } catch (StatusRuntimeException e) {
      return writeFailure(e);
    }
  }

  @Override
  public Outcome cas(String key, String expected, String value) {
    try {
      CompareAndSetResponse response = stub().compareAndSet(CompareAndSetRequest.newBuilder()
          .setKey(utf8(key)).setValue(utf8(value))
          .setCondition(Condition.newBuilder().setValue(utf8(expected))).build());
      return response.getSucceeded() ? Outcome.ok(null) : Outcome.compareFailed();
    } catch (StatusRuntimeException e) {
      return writeFailure(e);
    }
  }

  /**
   * The node's own error code says whether anything was applied. Without one the call failed
   * in transport: certainly not applied only if the connection was never made.
   */
  private static Outcome writeFailure(StatusRuntimeException e) {
    String code = e.getTrailers() == null ? null : e.getTrailers().get(ERROR_CODE);
    if (code != null) {
      return Outcome.writeRefused(code, e.getStatus().getCode().toString());
    }
    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE && refused(e)) {
      return Outcome.fail(describe(e));
    }
    return Outcome.info(describe(e));
  }

  private static boolean refused(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  private KVGrpc.KVBlockingStub stub() {
    return kv.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static String describe(StatusRuntimeException e) {
    Status status = e.getStatus();
    return status.getCode() + (status.getDescription() == null ? "" : ": "
        + status.getDescription());
  }

  @Override
  public String api() {
    return "grpc";
  }

  @Override
  public void close() {
    // the channel belongs to the cluster
  }
}
