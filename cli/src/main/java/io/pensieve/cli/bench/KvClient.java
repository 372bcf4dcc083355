package io.pensieve.cli.bench;

/**
 * One bench client: one connection's worth (a gRPC channel, or an HTTP client) to one node,
 * sending requests without waiting for their answers. Each request's end is reported to its
 * {@link Done}, on whatever thread saw it end, possibly the caller's own.
 */
public interface KvClient extends AutoCloseable {
  /** Stores the bench value under {@code key}. */
  void put(String key, Done done);

  /** Reads {@code key}, with the consistency the client was made with. */
  void get(String key, Done done);

  /** Ends the connection; requests still in flight end with an error. */
  @Override
  void close();

  /** How a request ended. */
  @FunctionalInterface
  interface Done {
    /**
     * @param errorKind null when the request succeeded; else what went wrong, short and stable
     *     enough to count by: {@code UNAVAILABLE/overloaded}, {@code HTTP_503/no_leader},
     *     {@code not_found}, {@code timeout}
     */
    void complete(String errorKind);
  }
}
