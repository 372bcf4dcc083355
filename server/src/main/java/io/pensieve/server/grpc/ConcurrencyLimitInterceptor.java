package io.pensieve.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.limits.ConcurrencyLimit;
import java.util.Set;

/**
 * Holds a {@link ConcurrencyLimit} permit for each call until it closes or is cancelled, and
 * refuses a call with UNAVAILABLE ({@code overloaded}) when none is left. The health service is
 * not intercepted: a busy node must not look dead to its orchestrator.
 *
 * <p>A long-lived stream whose handler takes a permit for each message it works on instead
 * (Lease.KeepAlive) is let through without one: held for the stream's whole life, permits
 * would let a thousand idle clients starve every other call.
 */
final class ConcurrencyLimitInterceptor implements ServerInterceptor {
  private final ConcurrencyLimit limit;
  /** Full method names of the streams that take their permits per message. */
  private final Set<String> permitPerMessage;

  ConcurrencyLimitInterceptor(ConcurrencyLimit limit, Set<String> permitPerMessage) {
    this.limit = limit;
    this.permitPerMessage = Set.copyOf(permitPerMessage);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (permitPerMessage.contains(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    ConcurrencyLimit.Permit permit;
    try {
      permit = limit.acquire();
    } catch (KvException overloaded) {
      StatusRuntimeException refusal = GrpcStatus.of(overloaded);
      call.close(refusal.getStatus(), refusal.getTrailers());
      return new ServerCall.Listener<>() { };
    }
    ServerCall<Q, R> releasing = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        permit.release();
        super.close(status, trailers);
      }
    };
    try {
      return new SimpleForwardingServerCallListener<>(next.startCall(releasing, headers)) {
        @Override
        public void onCancel() {
          permit.release();
          super.onCancel();
        }
      };
    } catch (RuntimeException | Error e) {
      permit.release();
      throw e;
    }
  }
}
