package io.pensieve.server.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.server.auth.Access;
import io.pensieve.server.auth.AccessControl;
import io.pensieve.server.kv.KvException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the {@code authorization: Bearer} metadata of KV, Lease and Admin calls before they run (see
 * {@link io.pensieve.server.auth.Role} for what each role allows). A refused call is closed with
 * UNAUTHENTICATED or PERMISSION_DENIED and the {@code pensieve-error-code} trailer.
 */
final class AuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Reads; every other call of these services needs write (KV) or admin (Admin). */
  private static final Map<String, Access> ACCESS = Map.ofEntries(
      Map.entry(KVGrpc.getGetMethod().getFullMethodName(), Access.READ),
      Map.entry(KVGrpc.getRangeMethod().getFullMethodName(), Access.READ),
      Map.entry(KVGrpc.getStatsMethod().getFullMethodName(), Access.READ),
      Map.entry(KVGrpc.getClusterMethod().getFullMethodName(), Access.READ),
      Map.entry(KVGrpc.getPutMethod().getFullMethodName(), Access.WRITE),
      Map.entry(KVGrpc.getDeleteMethod().getFullMethodName(), Access.WRITE),
      Map.entry(KVGrpc.getDeleteRangeMethod().getFullMethodName(), Access.WRITE),
      Map.entry(KVGrpc.getCompareAndSetMethod().getFullMethodName(), Access.WRITE),
      // every lease call writes, reads of leases included: leases are a writer's tool
      Map.entry(LeaseGrpc.getGrantMethod().getFullMethodName(), Access.WRITE),
      Map.entry(LeaseGrpc.getRevokeMethod().getFullMethodName(), Access.WRITE),
      Map.entry(LeaseGrpc.getKeepAliveMethod().getFullMethodName(), Access.WRITE),
      Map.entry(LeaseGrpc.getKeepAliveOnceMethod().getFullMethodName(), Access.WRITE),
      Map.entry(LeaseGrpc.getTimeToLiveMethod().getFullMethodName(), Access.WRITE),
      Map.entry(LeaseGrpc.getListMethod().getFullMethodName(), Access.WRITE),
      Map.entry(AdminGrpc.getListMembersMethod().getFullMethodName(), Access.READ),
      Map.entry(AdminGrpc.getStatusMethod().getFullMethodName(), Access.READ),
      Map.entry(AdminGrpc.getGetSettingsMethod().getFullMethodName(), Access.READ));

  private final AccessControl access;

  AuthInterceptor(AccessControl access) {
    this.access = access;
  }

  /** What a call needs; a method not listed (every other Admin call) needs admin. */
  static Access accessOf(String fullMethodName) {
    return ACCESS.getOrDefault(fullMethodName, Access.ADMIN);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!access.enabled()) {
      return next.startCall(call, headers);
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    try {
      access.check(Optional.ofNullable(headers.get(AUTHORIZATION)), accessOf(method), method,
          remote(call));
    } catch (KvException e) {
      StatusRuntimeException status = GrpcStatus.of(e);
      call.close(status.getStatus(), status.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }

  private static String remote(ServerCall<?, ?> call) {
    SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return address == null ? "unknown" : address.toString();
  }
}
