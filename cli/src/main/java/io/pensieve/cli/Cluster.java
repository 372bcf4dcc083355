package io.pensieve.cli;

import io.pensieve.client.Endpoint;
import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The nodes pvctl talks to, through one {@link PensieveClient}: plaintext, or TLS trusting the
 * CAs of {@code --cacert} (pvctl presents no certificate of its own), the token on every call. A
 * call tries each endpoint at most once, in turn with no pause, and goes on to the next one only
 * when the client's error table says a retry is safe; a call to one member's address goes there
 * only. Failures become pvctl's messages and exit codes in {@link GrpcErrors}.
 */
final class Cluster implements AutoCloseable {
  private final PensieveClient client;
  private final Duration timeout;

  Cluster(List<Endpoint> endpoints, Duration timeout) {
    this(endpoints, timeout, Optional.empty(), Optional.empty());
  }

  /**
   * @param caCert turns TLS on, trusting the CA certificates in this PEM file
   * @param token sent as {@code authorization: Bearer} metadata on every call
   */
  Cluster(List<Endpoint> endpoints, Duration timeout, Optional<Path> caCert,
      Optional<BearerToken> token) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
    PensieveClient.Builder builder = PensieveClient.builder()
        .endpoints(endpoints.stream().map(Endpoint::toString).toList())
        .deadline(timeout)
        .maxAttempts(endpoints.size())
        .retryPause(Duration.ZERO, Duration.ZERO);
    token.ifPresent(bearer -> builder.bearerToken(bearer.token()));
    caCert.ifPresent(file -> {
      try {
        builder.trustedCertificates(file);
      } catch (IllegalArgumentException e) {
        throw CliError.usage("--cacert " + e.getMessage());
      }
    });
    this.client = builder.build();
    this.timeout = timeout;
  }

  /** One gRPC call, or a few that belong together, through stubs bound to one node. */
  @FunctionalInterface
  interface Rpc<T> {
    T call(Stubs stubs);
  }

  Duration timeout() {
    return timeout;
  }

  /** The client all calls go through, for commands that build their own from its settings. */
  PensieveClient client() {
    return client;
  }

  /** Sends the call to the endpoints in turn until one answers; see {@link RequestKind}. */
  <T> T call(RequestKind kind, Rpc<T> rpc) {
    try {
      return client.call(channel -> rpc.call(new Stubs(channel)), kind == RequestKind.WRITE);
    } catch (PensieveException e) {
      if (e.retrySafe()) {
        // every endpoint was tried, each failing in a way the next one might not
        throw CliError.unavailable("no endpoint answered: " + String.join(", ",
            Stream.concat(Stream.of(e.getSuppressed()), Stream.of(e))
                .map(Cluster::tried).toList()));
      }
      throw GrpcErrors.toCliError(e, kind, timeout);
    }
  }

  private static String tried(Throwable attempt) {
    PensieveException failure = (PensieveException) attempt;
    return failure.endpoint() + " ("
        + GrpcErrors.describe(GrpcErrors.grpcFailure(failure)) + ")";
  }

  /**
   * Sends the call to one address only, once, with its own deadline; failures are the
   * caller's.
   */
  <T> T callAt(String address, Duration deadline, Rpc<T> rpc) {
    try (PensieveClient member = client.toBuilder().endpoints(address).maxAttempts(1)
        .deadline(deadline).build()) {
      return member.call(channel -> rpc.call(new Stubs(channel)), false);
    }
  }

  /** The call to one address, once, failures as pvctl reports them. */
  <T> T callOrFail(String address, RequestKind kind, Rpc<T> rpc) {
    try (PensieveClient member = client.member(address)) {
      return member.call(channel -> rpc.call(new Stubs(channel)), kind == RequestKind.WRITE);
    } catch (PensieveException e) {
      throw GrpcErrors.toCliError(e, kind, timeout);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
