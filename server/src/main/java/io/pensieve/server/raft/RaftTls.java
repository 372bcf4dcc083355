package io.pensieve.server.raft;

import io.pensieve.server.tls.NodeTls;
import java.util.Optional;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslProvider;

/**
 * Mutual TLS on the Raft port. The same parameters go to the Ratis server and to every Ratis
 * client the node builds: each side presents the node's certificate and accepts only
 * certificates that chain to the trusted CAs, so a node whose certificate another CA signed
 * can neither vote, nor append, nor be reached.
 */
final class RaftTls {
  private RaftTls() {}

  /** Empty parameters (plaintext) when TLS is off. */
  static Parameters parameters(Optional<NodeTls> tls) {
    Parameters parameters = new Parameters();
    tls.ifPresent(node -> GrpcConfigKeys.TLS.setConf(parameters, GrpcTlsConfig.newBuilder()
        .setKeyManager(node.keyManager())
        .setTrustManager(node.trustManager())
        .setMutualTls(true)
        // Ratis asks for OpenSSL on the server side, which its shaded Netty does not bundle
        .setSslProvider(SslProvider.JDK)
        .setProtocols(NodeTls.PROTOCOLS)
        .build()));
    return parameters;
  }
}
