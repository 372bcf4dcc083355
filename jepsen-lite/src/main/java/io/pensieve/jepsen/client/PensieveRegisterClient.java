package io.pensieve.jepsen.client;

import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.KeyValue;
import java.util.Optional;

/**
 * The register over a node's gRPC {@code KV} service, through the Java client: whether a failed
 * write applied is the client's {@link PensieveException#nothingApplied}, from the error table.
 */
public final class PensieveRegisterClient implements RegisterClient {
  private final PensieveClient client;
  private final boolean staleReads;

  /** @param client bound to one node, each call sent once; shared, not closed with this */
  public PensieveRegisterClient(PensieveClient client, boolean staleReads) {
    this.client = client;
    this.staleReads = staleReads;
  }

  @Override
  public Outcome read(String key) {
    try {
      Optional<KeyValue> kv = staleReads ? client.getStale(key) : client.get(key);
      return Outcome.ok(kv.map(found -> found.getValue().toStringUtf8()).orElse(null));
    } catch (PensieveException e) {
      return Outcome.fail(e.getMessage());
    }
  }

  @Override
  public Outcome write(String key, String value) {
    try {
      client.put(key, value);
      return Outcome.ok(null);
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
  }

  @Override
  public Outcome cas(String key, String expected, String value) {
    try {
      return client.compareAndSet(key, expected, value) ? Outcome.ok(null)
          : Outcome.compareFailed();
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
  }

  @Override
  public String api() {
    return "grpc";
  }

  @Override
  public void close() {
    // the client belongs to the cluster
  }
}
