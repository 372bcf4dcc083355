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

/**
 * Holds a {@link ConcurrencyLimit} permit for each call until it closes or is cancelled, and
 * refuses a call with UNAVAILABLE ({@code overloaded}) when none is left. The health service is
 * not intercepted: a busy node must not look dead to its orchestrator.
 */
final class ConcurrencyLimitInterceptor implements ServerInterceptor {
  private final ConcurrencyLimit limit;

  ConcurrencyLimitInterceptor(ConcurrencyLimit limit) {
    this.limit = limit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
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
