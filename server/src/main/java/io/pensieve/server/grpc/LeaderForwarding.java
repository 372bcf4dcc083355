package io.pensieve.server.grpc;

import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.handler.ssl.SslContext;
import io.pensieve.proto.v1.AdminGrpc;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Admin calls that must run on the leader, sent there from whichever node received them. A
 * forwarded call carries a header, and a node that receives one but does not lead refuses it
 * rather than forwarding again: two nodes that each believe the other leads cannot bounce a
 * call between them. The caller's {@code authorization} header travels with the forwarded call,
 * and the leader checks it again: a follower vouches for nobody.
 */
final class LeaderForwarding implements ServerInterceptor, AutoCloseable {
  private static final Metadata.Key<String> FORWARDED =
      Metadata.Key.of("pensieve-forwarded-by", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> FORWARDED_BY = Context.key("pensieve-forwarded-by");
  private static final Context.Key<String> CALLER_AUTHORIZATION =
      Context.key("pensieve-caller-authorization");
  /** When the caller set no deadline: past the longest a membership change may wait. */
  private static final long DEFAULT_DEADLINE_MINUTES = 6;

  private final String selfId;
  private final Optional<SslContext> tls;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /** @param tls how to reach the leader over TLS; empty when the nodes use plaintext */
  LeaderForwarding(String selfId, Optional<SslContext> tls) {
    this.selfId = selfId;
    this.tls = tls;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String forwardedBy = headers.get(FORWARDED);
    String authorization = headers.get(AuthInterceptor.AUTHORIZATION);
    if (forwardedBy == null && authorization == null) {
      return next.startCall(call, headers);
    }
    Context context = Context.current();
    if (forwardedBy != null) {
      context = context.withValue(FORWARDED_BY, forwardedBy);
    }
    if (authorization != null) {
      context = context.withValue(CALLER_AUTHORIZATION, authorization);
    }
    return Contexts.interceptCall(context, call, headers, next);
  }

  /** Whether the call being served was forwarded by another node. */
  static boolean forwarded() {
    return FORWARDED_BY.get() != null;
  }

  /** A stub for the leader's Admin service at {@code grpcAddress}, marking calls forwarded. */
  AdminGrpc.AdminStub leader(String grpcAddress) {
    ManagedChannel channel = channels.computeIfAbsent(grpcAddress, this::channel);
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      // the leader was down a moment ago (restarted, or just elected after one): connect now
      // rather than fail this call for the rest of the channel's reconnect backoff
      channel.resetConnectBackoff();
    }
    Metadata headers = new Metadata();
    headers.put(FORWARDED, selfId);
    String authorization = CALLER_AUTHORIZATION.get();
    if (authorization != null) {
      headers.put(AuthInterceptor.AUTHORIZATION, authorization);
    }
    AdminGrpc.AdminStub stub = AdminGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    return Context.current().getDeadline() != null
        ? stub : stub.withDeadlineAfter(DEFAULT_DEADLINE_MINUTES, TimeUnit.MINUTES);
  }

  private ManagedChannel channel(String address) {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address);
    return (tls.isPresent() ? builder.sslContext(tls.get()) : builder.usePlaintext()).build();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
