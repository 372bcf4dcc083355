package io.pensieve.store;

import io.pensieve.api.Ttl;
import java.util.Objects;

/**
 * The map's replicated limits. Built only valid: the constructor refuses any value out of range
 * with a message that names the setting as operators write it.
 *
 * @param maxEntries entries the map holds at most; 0 = unlimited
 * @param maxBytes accounted bytes the map holds at most; 0 = unlimited
 * @param evictionPolicy what a write does when the map is full
 * @param defaultTtlMillis time to live of a write that gives none; 0 = never expires
 * @param maxKeyBytes longest key accepted
 * @param maxValueBytes longest value accepted
 */
public record Settings(
    long maxEntries,
    long maxBytes,
    EvictionPolicy evictionPolicy,
    long defaultTtlMillis,
    int maxKeyBytes,
    int maxValueBytes) {

  /** Hard ceiling of {@code max_key_bytes}. */
  public static final int KEY_BYTES_CEILING = 64 * 1024;
  /** Hard ceiling of {@code max_value_bytes}: a value must fit in one Raft log entry with room. */
  public static final int VALUE_BYTES_CEILING = 4 * 1024 * 1024;

  public static final Settings DEFAULTS =
      new Settings(0, 0, EvictionPolicy.LRU, 0, 1024, 1024 * 1024);

  public Settings {
    Objects.requireNonNull(evictionPolicy, "eviction_policy");
    requireBetween("max_entries", maxEntries, 0, Long.MAX_VALUE);
    requireBetween("max_bytes", maxBytes, 0, Long.MAX_VALUE);
    requireBetween("default_ttl_millis", defaultTtlMillis, 0, Ttl.MAX_MILLIS);
    requireBetween("max_key_bytes", maxKeyBytes, 1, KEY_BYTES_CEILING);
    requireBetween("max_value_bytes", maxValueBytes, 1, VALUE_BYTES_CEILING);
  }

  private static void requireBetween(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
