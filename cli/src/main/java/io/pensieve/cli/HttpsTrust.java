package io.pensieve.cli;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * HTTPS to the nodes' REST ports trusting the CA certificates of {@code --cacert}: HTTP/1.1,
 * where gRPC's context ({@link Cluster#trusting}) asks for HTTP/2. A bad file is a usage error.
 */
final class HttpsTrust {
  private HttpsTrust() {}

  static SslContext trusting(Path file) {
    if (!Files.isReadable(file)) {
      throw CliError.usage("--cacert " + file + ": no such readable file");
    }
    try {
      return SslContextBuilder.forClient().trustManager(file.toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw CliError.usage("--cacert " + file + " holds no PEM CA certificate ("
          + e.getMessage() + ")");
    }
  }
}
