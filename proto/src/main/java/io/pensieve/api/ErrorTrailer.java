package io.pensieve.api;

import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * The gRPC trailer in which a Pensieve node names its error code ({@code pensieve-error-code:
 * no_leader}), so that a client tells a node's own refusal from a transport failure and looks up
 * its {@link ErrorContract} without reading messages.
 */
public final class ErrorTrailer {
  public static final Metadata.Key<String> KEY =
      Metadata.Key.of("pensieve-error-code", Metadata.ASCII_STRING_MARSHALLER);

  private ErrorTrailer() {}

  /** Trailers that carry {@code contract}'s code. */
  public static Metadata of(ErrorContract contract) {
    Metadata trailers = new Metadata();
    trailers.put(KEY, contract.name());
    return trailers;
  }

  /** The code the node put in the trailers, when the failure came from a Pensieve node. */
  public static Optional<String> code(StatusRuntimeException failure) {
    Metadata trailers = failure.getTrailers();
    return Optional.ofNullable(trailers == null ? null : trailers.get(KEY));
  }

  /** The node's error contract, when the failure came from a Pensieve node of a known code. */
  public static Optional<ErrorContract> contract(StatusRuntimeException failure) {
    return code(failure).flatMap(ErrorContract::named);
  }
}
