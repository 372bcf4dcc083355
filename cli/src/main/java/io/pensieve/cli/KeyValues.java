package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.api.Ttl;
import io.pensieve.proto.v1.KeyValue;
import java.time.Instant;

/** A key's state as the key commands print it. */
final class KeyValues {
  private KeyValues() {}

  static ObjectNode json(KeyValue kv) {
    return ProtoJson.toJson(kv);
  }

  static Fields fields(KeyValue kv) {
    Fields fields = new Fields()
        .add("key", Text.show(kv.getKey()))
        .add("value", Text.show(kv.getValue()))
        .add("version", kv.getVersion())
        .add("create_revision", kv.getCreateRevision())
        .add("expire_at", expireAt(kv.getExpireAtMillis()));
    // only a key on a lease has the line: the output of others stays as it was
    return kv.getLease() == 0 ? fields : fields.add("lease", kv.getLease());
  }

  /** {@code never}, or the instant in UTC. */
  static String expireAt(long expireAtMillis) {
    return expireAtMillis == 0 ? "never" : Instant.ofEpochMilli(expireAtMillis).toString();
  }

  /** How a failed condition is told: what the key holds now. */
  static String currentState(String key, boolean exists, KeyValue current) {
    if (!exists) {
      return "key '" + key + "' does not exist";
    }
    return "key '" + key + "' is at version " + current.getVersion();
  }

  /** A TTL in seconds on the command line, in milliseconds on the wire; the range is the node's. */
  static long ttlMillis(long ttlSeconds) {
    Ttl.checkSeconds("--ttl", ttlSeconds).ifPresent(outOfRange -> {
      throw CliError.usage(outOfRange);
    });
    return ttlSeconds * 1_000;
  }
}
