package io.pensieve.server.grpc;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.pensieve.server.tls.NodeTls;
import javax.net.ssl.SSLException;

/** The gRPC API's TLS: the node's certificate to clients, the trusted CAs when it forwards. */
final class GrpcTls {
  private GrpcTls() {}

  /** Server side; clients are not asked for certificates (they authenticate by token). */
  static SslContext server(NodeTls tls) throws SSLException {
    return GrpcSslContexts.configure(SslContextBuilder.forServer(tls.keyManager()),
            SslProvider.JDK)
        .protocols(NodeTls.PROTOCOLS)
        .build();
  }

  /** Client side, for calls to other nodes: their certificates must chain to the CAs. */
  static SslContext client(NodeTls tls) throws SSLException {
    return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .trustManager(tls.trustManager())
        .protocols(NodeTls.PROTOCOLS)
        .build();
  }
}
