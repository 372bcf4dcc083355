package io.pensieve.jepsen.client;

/**
 * A client of one node, for the register workload. Never throws: every call ends in an
 * {@link Outcome}, and any doubt about whether a write happened is an {@code info}.
 */
public interface RegisterClient extends AutoCloseable {
  /** The key's value, {@code null} for an absent key, as an ok outcome. */
  Outcome read(String key);

  Outcome write(String key, String value);

  /** Sets {@code value} if the key holds {@code expected}; a compare failure is a fail. */
  Outcome cas(String key, String expected, String value);

  /** "rest" or "grpc". */
  String api();

  @Override
  void close();
}
