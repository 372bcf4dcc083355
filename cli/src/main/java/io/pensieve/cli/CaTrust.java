package io.pensieve.cli;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS trusting the CA certificates of {@code --cacert} for the nodes' REST ports (bench --api
 * rest); a bad file is a usage error. gRPC's TLS is the client library's.
 */
final class CaTrust {
  private CaTrust() {}

  /** For the nodes' REST ports: HTTP/1.1. */
  static SslContext forHttps(Path file) {
    return trusting(file, SslContextBuilder.forClient());
  }

  private static SslContext trusting(Path file, SslContextBuilder client) {
    if (!Files.isReadable(file)) {
      throw CliError.usage("--cacert " + file + ": no such readable file");
    }
    try {
      return client.trustManager(file.toFile()).build();
    } catch (IOException | IllegalArgumentException e) {
      throw CliError.usage("--cacert " + file + " holds no PEM CA certificate ("
          + e.getMessage() + ")");
    }
  }
}
