package io.pensieve.server.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts and times every gRPC call by service, method and status code. Installed as the
 * server's outermost interceptor, so that it sees the status the client receives, after any
 * other interceptor (such as leader forwarding) has had its say.
 *
 * <p>A call ends either with the server closing it (any status) or with the client cancelling
 * it (deadline, disconnect), in which case the server may never close it: both are recorded,
 * whichever comes first, once. The close is recorded before it is passed on, so that a client
 * that has its answer finds the call already counted.
 */
public final class GrpcMetrics implements ServerInterceptor {
  private final Counter requests;
  private final Histogram duration;

  GrpcMetrics(PrometheusRegistry registry) {
    requests = Counter.builder()
        .name("pensieve_grpc_requests_total")
        .help("gRPC calls finished, by service, method and status code")
        .labelNames("service", "method", "code")
        .register(registry);
    duration = Histogram.builder()
        .name("pensieve_grpc_request_duration_seconds")
        .help("Time from a call's start to its close or cancellation")
        .unit(Unit.SECONDS)
        .labelNames("service", "method")
        .classicOnly()
        .classicUpperBounds(Buckets.REQUEST_SECONDS)
        .register(registry);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    CallRecord record = new CallRecord(call.getMethodDescriptor());
    ServerCall<Q, A> observed = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        record.finish(status.getCode());
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(observed, headers)) {
      @Override
      public void onCancel() {
        record.finish(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  /** One call's labels and start; records its end once. */
  private final class CallRecord {
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final String service;
    private final String method;

    CallRecord(MethodDescriptor<?, ?> descriptor) {
      this.service = descriptor.getServiceName();
      this.method = descriptor.getBareMethodName();
    }

    void finish(Status.Code code) {
      if (finished.compareAndSet(false, true)) {
        requests.labelValues(service, method, code.name()).inc();
        duration.labelValues(service, method)
            .observe(Unit.nanosToSeconds(System.nanoTime() - startNanos));
      }
    }
  }
}
