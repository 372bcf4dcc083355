package io.pensieve.api;

/** Sizes a node's gRPC server and every client of it agree on. */
public final class GrpcLimits {
  /**
   * Largest gRPC message either side accepts: room for a value at the ceiling of {@code
   * max_value_bytes} (4 MiB) with its key and framing.
   */
  public static final int MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

  private GrpcLimits() {}
}
