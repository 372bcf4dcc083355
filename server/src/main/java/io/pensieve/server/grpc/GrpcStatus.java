package io.pensieve.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.api.ErrorContract;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.server.kv.KvException;

/**
 * A failure as gRPC answers it: the status code of its {@link ErrorContract}, and its code in
 * the {@link ErrorTrailer}, so that clients tell "not applied" (no_leader) from "may have
 * applied" (unknown_outcome) without reading messages.
 */
final class GrpcStatus {
  private GrpcStatus() {}

  static StatusRuntimeException of(Throwable failure) {
    KvException error = KvException.from(failure);
    ErrorContract contract = error.contract();
    return Status.fromCode(contract.grpcCode()).withDescription(error.getMessage())
        .asRuntimeException(ErrorTrailer.of(contract));
  }
}
