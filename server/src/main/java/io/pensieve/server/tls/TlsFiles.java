package io.pensieve.server.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PEM files that turn TLS on for a node. One identity serves all three ports: the REST and
 * gRPC servers present it to clients, and the Raft port presents it both as a server and as a
 * client, so peers authenticate each other with it (mutual TLS).
 *
 * @param certificateChain the node's certificate, then any intermediates ({@code --tls-cert})
 * @param privateKey the certificate's private key, PKCS#8 ({@code --tls-key})
 * @param trustedCas the CAs that peers' certificates must chain to, and that this node's
 *     own clients (peers, the leader) trust ({@code --tls-ca})
 */
public record TlsFiles(Path certificateChain, Path privateKey, Path trustedCas) {
  public TlsFiles {
    Objects.requireNonNull(certificateChain, "certificate chain");
    Objects.requireNonNull(privateKey, "private key");
    Objects.requireNonNull(trustedCas, "trusted CAs");
  }
}
