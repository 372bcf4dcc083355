package io.pensieve.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.NotSslRecordException;
import io.pensieve.api.ErrorContract;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.ErrorCode;
import java.net.ConnectException;
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
 * The one place gRPC failures become pvctl's errors and exit codes. Whether a failed call goes
 * on to the next endpoint is the client library's decision ({@link
 * PensieveException#retrySafe}, from the error table); this class words what a call ends with.
 * A failure with the node's error code in its trailer ({@link ErrorTrailer}) is the node's own
 * refusal, and the code's row of the error table ({@link ErrorContract}) says what it means; a
 * failure without one is the transport's, and pvctl knows only what the connection tells.
 */
final class GrpcErrors {
  /** gRPC's description of a connection the other side closed, with no reason given. */
  private static final String NETWORK_CLOSED = "Network closed for unknown reason";
  /** How a write whose answer was lost is told: nobody knows whether it applied. */
  private static final String MAY_HAVE_APPLIED =
      "the request may or may not have been applied (unknown_outcome)";

  private GrpcErrors() {}

  /** The node's error code, or the gRPC status in snake case ({@code deadline_exceeded}). */
  static String code(StatusRuntimeException failure) {
    return ErrorTrailer.code(failure).orElseGet(() -> snakeCase(failure.getStatus().getCode()));
  }

  /**
   * Whether a member is to be shown as down: no answer came (the connection failed or the
   * deadline passed), or the node said it cannot serve now (joining, shutting down, halted).
   */
  static boolean unreachable(StatusRuntimeException failure) {
    if (ErrorTrailer.code(failure).isPresent()) {
      return ErrorTrailer.contract(failure)
          .filter(contract -> contract.code() == ErrorCode.ERROR_CODE_UNAVAILABLE).isPresent();
    }
    Status.Code status = failure.getStatus().getCode();
    return status == Status.Code.UNAVAILABLE || status == Status.Code.DEADLINE_EXCEEDED;
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
    if (ErrorTrailer.code(failure).isPresent() && status.getDescription() != null) {
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
        ? snakeCase(status.getCode()).replace('_', ' ')
        : description;
  }

  /**
   * The gRPC failure a {@link PensieveException} was made from: its cause, which the client
   * library always sets to what the call ended with.
   */
  static StatusRuntimeException grpcFailure(PensieveException failure) {
    return failure.getCause() instanceof StatusRuntimeException grpc ? grpc
        : Status.fromThrowable(failure.getCause()).asRuntimeException();
  }

  /** The message and exit code of a call's final failure, as the client reports it. */
  static CliError toCliError(PensieveException failure, RequestKind kind, Duration timeout) {
    return toCliError(grpcFailure(failure), kind, failure.endpoint(), timeout);
  }

  /** The message and exit code of a failure that is final, as sent to {@code address}. */
  static CliError toCliError(StatusRuntimeException failure, RequestKind kind, String address,
      Duration timeout) {
    Optional<ErrorContract> refusal = ErrorTrailer.contract(failure);
    return refusal.isPresent()
        ? refused(refusal.get(), failure, kind, address)
        : transportFailure(failure, kind, address, timeout);
  }

  /**
   * The node's own refusal, told by its code's row: what a retry may cure (no leader, overloaded)
   * and a write that may have applied exit {@link ExitCode#UNAVAILABLE}; the rest by what the
   * refusal is about (see {@link #byStatus}).
   */
  private static CliError refused(ErrorContract contract, StatusRuntimeException failure,
      RequestKind kind, String address) {
    String described = describe(failure) + " (" + contract.name() + ")";
    if (contract.retryable()) {
      return CliError.unavailable(address + ": " + described);
    }
    if (!contract.nothingApplied() && kind == RequestKind.WRITE) {
      // the node's own timeout or failure mid-write: its message says what is known
      return CliError.unavailable(described);
    }
    return byStatus(contract.grpcCode(), described, address);
  }

  /**
   * A failure the node did not name (or named with a code this pvctl does not know): what the
   * connection and the deadline tell.
   */
  private static CliError transportFailure(StatusRuntimeException failure, RequestKind kind,
      String address, Duration timeout) {
    String described = describe(failure);
    Status.Code status = failure.getStatus().getCode();
    if (status == Status.Code.DEADLINE_EXCEEDED) {
      String noAnswer = address + " did not answer within " + Durations.format(timeout);
      return kind == RequestKind.WRITE
          ? CliError.unavailable(noAnswer + ": " + MAY_HAVE_APPLIED)
          : CliError.unavailable(noAnswer + " (deadline_exceeded)");
    }
    if (status == Status.Code.UNAVAILABLE) {
      return kind == RequestKind.WRITE
          ? CliError.unavailable(address + ": " + described + "; " + MAY_HAVE_APPLIED)
          : CliError.unavailable(address + ": " + described + " (" + code(failure) + ")");
    }
    return byStatus(status, described + " (" + code(failure) + ")", address);
  }

  /**
   * A final failure by what it is about: a malformed request is a usage error, missing or
   * insufficient credentials are not allowed, a request the node does not serve and every other
   * refusal failed.
   */
  private static CliError byStatus(Status.Code status, String described, String address) {
    return switch (status) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> CliError.usage(described);
      case UNAUTHENTICATED -> CliError.notAllowed(address + ": " + described
          + "; give a token with --token-file, --token or PENSIEVE_TOKEN");
      case PERMISSION_DENIED -> CliError.notAllowed(address + ": " + described);
      case UNIMPLEMENTED -> CliError.failed("the node at " + address
          + " does not serve this request: " + described);
      case UNAVAILABLE, DEADLINE_EXCEEDED -> CliError.unavailable(address + ": " + described);
      case OK -> throw new IllegalArgumentException("not a failure: " + described);
      default -> CliError.failed(described);
    };
  }

  private static String snakeCase(Status.Code status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
