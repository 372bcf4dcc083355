package io.pensieve.cli;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The one place gRPC failures become pvctl's errors and exit codes, and where it is decided
 * whether a failed call may be sent to the next endpoint.
 */
final class GrpcErrors {
  /** The error code every Pensieve node puts in its error trailers, in snake case. */
  static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("pensieve-error-code", Metadata.ASCII_STRING_MARSHALLER);

  /** gRPC's description of a connection the other side closed, with no reason given. */
  private static final String NETWORK_CLOSED = "Network closed for unknown reason";

  private GrpcErrors() {}

  /** The node's error code, when the failure came from a Pensieve node. */
  static Optional<String> serverCode(StatusRuntimeException failure) {
    Metadata trailers = failure.getTrailers();
    return Optional.ofNullable(trailers == null ? null : trailers.get(ERROR_CODE));
  }

  /** The node's error code, or the gRPC status in snake case ({@code deadline_exceeded}). */
  static String code(StatusRuntimeException failure) {
    return serverCode(failure)
        .orElse(failure.getStatus().getCode().name().toLowerCase(Locale.ROOT));
  }

  /**
   * Whether the call may go to the next endpoint: UNAVAILABLE (connection refused, node not
   * ready, no leader), and for a write only when it certainly did not apply: the node answered
   * with its own error code (a node reports a write it cannot vouch for as unknown_outcome), or
   * the connection was never made.
   */
  static boolean tryNextEndpoint(StatusRuntimeException failure, RequestKind kind) {
    if (failure.getStatus().getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    return kind == RequestKind.READ || serverCode(failure).isPresent() || neverConnected(failure);
  }

  /**
   * The connection to the node could not be made, so no request reached it. A failed TLS
   * handshake counts: pvctl sends its request only once it has checked the node's certificate.
   */
  static boolean neverConnected(StatusRuntimeException failure) {
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
          || cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException
          || cause instanceof SSLException || cause instanceof NotSslRecordException) {
        return true;
      }
    }
    return false;
  }

  /** Why a TLS connection could not be made, in pvctl's terms; empty for other failures. */
  static Optional<String> tlsFailure(StatusRuntimeException failure) {
    SSLException handshake = null;
    Throwable root = null;
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof NotSslRecordException) {
        return Optional.of("the node does not speak TLS; leave out --cacert and PENSIEVE_CACERT");
      }
      if (handshake == null && cause instanceof SSLException ssl) {
        handshake = ssl;
      }
      root = cause;
    }
    if (handshake == null) {
      return Optional.empty();
    }
    if (root instanceof CertPathBuilderException || root instanceof CertPathValidatorException) {
      return Optional.of("TLS handshake failed: the node's certificate is not signed by a CA "
          + "in --cacert");
    }
    return Optional.of("TLS handshake failed: " + (root instanceof CertificateException
        ? root.getMessage() : handshake.getMessage()));
  }

  /** What went wrong, in a few words: the node's message, or the connection's failure. */
  static String describe(StatusRuntimeException failure) {
    Status status = failure.getStatus();
    if (serverCode(failure).isPresent() && status.getDescription() != null) {
      return status.getDescription();
    }
    Optional<String> tls = tlsFailure(failure);
    if (tls.isPresent()) {
      return tls.get();
    }
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException && cause.getMessage() != null) {
        // Netty: "Connection refused: /127.0.0.1:9001"
        String message = cause.getMessage();
        int colon = message.indexOf(':');
        return (colon > 0 ? message.substring(0, colon) : message).toLowerCase(Locale.ROOT);
      }
      if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
        return "unknown host";
      }
    }
    String description = status.getDescription();
    if (status.getCode() == Status.Code.UNAVAILABLE && failure.getCause() == null
        && description != null && description.startsWith(NETWORK_CLOSED)) {
      // what a node with TLS does to a plaintext client
      return "the node closed the connection; if it uses TLS, give --cacert";
    }
    return description == null || description.isBlank()
        ? status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ')
        : description;
  }

  /** The message and exit code of a failure that is final, as sent to {@code address}. */
  static CliError toCliError(StatusRuntimeException failure, RequestKind kind, String address,
      Duration timeout) {
    String code = code(failure);
    String described = describe(failure);
    return switch (failure.getStatus().getCode()) {
      case NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, ABORTED,
          INTERNAL, UNKNOWN, DATA_LOSS, CANCELLED ->
          CliError.failed(described + " (" + code + ")");
      case UNAUTHENTICATED -> CliError.notAllowed(address + ": " + described + " (" + code
          + "); give a token with --token-file, --token or PENSIEVE_TOKEN");
      case PERMISSION_DENIED -> CliError.notAllowed(address + ": " + described + " (" + code
          + ")");
      case UNIMPLEMENTED -> CliError.failed("the node at " + address
          + " does not serve this request: " + described + " (" + code + ")");
      case INVALID_ARGUMENT, OUT_OF_RANGE -> CliError.usage(described + " (" + code + ")");
      case DEADLINE_EXCEEDED -> deadlineExceeded(failure, kind, address, timeout);
      case UNAVAILABLE -> kind == RequestKind.WRITE && serverCode(failure).isEmpty()
          ? CliError.unavailable(address + ": " + described + "; the request may or may not"
              + " have been applied (unknown_outcome)")
          : CliError.unavailable(address + ": " + described + " (" + code + ")");
      case OK -> throw new IllegalArgumentException("not a failure: " + failure);
    };
  }

  private static CliError deadlineExceeded(StatusRuntimeException failure, RequestKind kind,
      String address, Duration timeout) {
    if (serverCode(failure).isPresent()) {
      // the node's own timeout: its message says what is known
      return CliError.unavailable(describe(failure) + " (" + code(failure) + ")");
    }
    String noAnswer = address + " did not answer within " + Durations.format(timeout);
    return kind == RequestKind.WRITE
        ? CliError.unavailable(noAnswer
            + ": the request may or may not have been applied (unknown_outcome)")
        : CliError.unavailable(noAnswer + " (deadline_exceeded)");
  }
}
