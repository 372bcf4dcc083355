package io.pensieve.server.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.server.kv.ErrorKind;
import io.pensieve.server.kv.KvException;

/**
 * The gRPC status of each error kind: the one place gRPC decides it. The kind's code also
 * rides in the {@code pensieve-error-code} trailer, so that clients can tell "not applied"
 * (no_leader) from "may have applied" (unknown_outcome) without reading messages.
 */
final class GrpcStatus {
  static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("pensieve-error-code", Metadata.ASCII_STRING_MARSHALLER);

  private GrpcStatus() {}

  static StatusRuntimeException of(Throwable failure) {
    KvException error = KvException.from(failure);
    Metadata trailers = new Metadata();
    trailers.put(ERROR_CODE, error.kind().code());
    return codeOf(error.kind()).withDescription(error.getMessage()).asRuntimeException(trailers);
  }

  private static Status codeOf(ErrorKind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT, UNSUPPORTED_MEDIA_TYPE -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case COMPARE_FAILED, FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case KEY_TOO_LARGE, VALUE_TOO_LARGE, BODY_TOO_LARGE, NO_SPACE -> Status.RESOURCE_EXHAUSTED;
      // UNAVAILABLE with the node's own code: clients may send it to another node
      case NO_LEADER, UNAVAILABLE, OVERLOADED -> Status.UNAVAILABLE;
      case UNKNOWN_OUTCOME -> Status.DEADLINE_EXCEEDED;
      case METHOD_NOT_ALLOWED -> Status.UNIMPLEMENTED;
      case INTERNAL -> Status.INTERNAL;
      case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
    };
  }
}
