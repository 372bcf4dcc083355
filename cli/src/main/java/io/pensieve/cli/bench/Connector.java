package io.pensieve.cli.bench;

import java.util.List;

/** Opens the bench's clients, client {@code i} to the {@code i}-th endpoint, round robin. */
public interface Connector extends AutoCloseable {
  /** A client able to carry {@code inFlight} requests at once. */
  KvClient open(int clientIndex, int inFlight);

  /** The endpoints the clients are spread over, as the report names them. */
  List<String> endpoints();

  /** Releases what the clients shared; each client is closed on its own. */
  @Override
  default void close() {}
}
