package io.pensieve.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.handler.ssl.NotSslRecordException;
import io.pensieve.api.ErrorContract;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.proto.v1.Outcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * A request that failed, and what the caller may conclude: whether anything was applied and
 * whether sending it again is safe. A node's own refusal carries its {@link ErrorContract} (the
 * row of {@code errors.proto}); a failure without the node's code is a transport failure, either
 * before the connection was made (nothing sent) or after (the request may have reached the node).
 */
public final class PensieveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Where the failure came from. */
  public enum Source {
    /** The node answered with its own error code. */
    NODE,
    /** No connection to the node could be made (refused, unknown host, failed TLS handshake). */
    NEVER_CONNECTED,
    /** The connection broke or the deadline passed: the request may have reached the node. */
    MAYBE_SENT
  }

  private final Source source;
  private final Status.Code status;
  private final Optional<String> nodeCode;
  private final transient Optional<ErrorContract> contract;
  private final boolean write;
  private final String endpoint;

  private PensieveException(String message, Throwable cause, Source source, Status.Code status,
      Optional<String> nodeCode, boolean write, String endpoint) {
    super(message, cause);
    this.source = source;
    this.status = status;
    this.nodeCode = nodeCode;
    this.contract = nodeCode.flatMap(ErrorContract::named);
    this.write = write;
    this.endpoint = endpoint;
  }

  /**
   * What a gRPC call's failure means.
   *
   * @param failure what the call ended with (a {@code StatusRuntimeException} from gRPC)
   * @param write whether the request would change the store
   * @param endpoint the {@code host:port} it was sent to
   */
  public static PensieveException of(Throwable failure, boolean write, String endpoint) {
    Status status = Status.fromThrowable(failure);
    Metadata trailers = Status.trailersFromThrowable(failure);
    Optional<String> nodeCode =
        Optional.ofNullable(trailers == null ? null : trailers.get(ErrorTrailer.KEY));
    Source source = nodeCode.isPresent() ? Source.NODE
        : neverConnected(failure) ? Source.NEVER_CONNECTED : Source.MAYBE_SENT;
    String description = status.getDescription() == null ? "" : ": " + status.getDescription();
    String code = nodeCode.orElse(status.getCode().name().toLowerCase(Locale.ROOT));
    return new PensieveException(endpoint + ": " + code + description, failure, source,
        status.getCode(), nodeCode, write, endpoint);
  }

  /**
   * No request left this client: the connection was never made. A failed TLS handshake counts,
   * since the request is sent only once the node's certificate is checked.
   */
  public static boolean neverConnected(Throwable failure) {
    if (Status.fromThrowable(failure).getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
          || cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException
          || cause instanceof SSLException || cause instanceof NotSslRecordException) {
        return true;
      }
    }
    return false;
  }

  public Source source() {
    return source;
  }

  /** The node's row of the error table; empty for a transport failure or a code unknown here. */
  public Optional<ErrorContract> contract() {
    return contract;
  }

  /** The code the node sent ({@code no_leader}), even one this client does not know. */
  public Optional<String> nodeCode() {
    return nodeCode;
  }

  /** The node's code, or else the gRPC status in snake case ({@code deadline_exceeded}). */
  public String code() {
    return nodeCode.orElse(status.name().toLowerCase(Locale.ROOT));
  }

  /** The gRPC status code the call ended with. */
  public Status.Code status() {
    return status;
  }

  /** The {@code host:port} the failed attempt went to. */
  public String endpoint() {
    return endpoint;
  }

  public boolean write() {
    return write;
  }

  /**
   * Whether the request changed anything: as the node's contract says; for a transport failure,
   * a write that may have been sent is of unknown outcome, one never sent was not applied.
   */
  public Outcome outcome() {
    if (!write) {
      return contract.map(ErrorContract::outcome).orElse(Outcome.OUTCOME_NOT_A_WRITE);
    }
    return switch (source) {
      case NODE -> contract.map(ErrorContract::outcome).orElse(Outcome.OUTCOME_UNKNOWN);
      case NEVER_CONNECTED -> Outcome.OUTCOME_NOT_APPLIED;
      case MAYBE_SENT -> Outcome.OUTCOME_UNKNOWN;
    };
  }

  /** Nothing was changed: certainly not applied, or not a write. */
  public boolean nothingApplied() {
    return outcome() != Outcome.OUTCOME_UNKNOWN;
  }

  /**
   * Whether the same request may be sent again, here or to another endpoint: the contract's
   * {@link ErrorContract#retrySafe}; for a transport failure, always when nothing was sent, and
   * for a read when the connection failed.
   */
  public boolean retrySafe() {
    return switch (source) {
      case NODE -> contract.map(c -> c.retrySafe(write)).orElse(false);
      case NEVER_CONNECTED -> true;
      case MAYBE_SENT -> !write && status == Status.Code.UNAVAILABLE;
    };
  }
}
