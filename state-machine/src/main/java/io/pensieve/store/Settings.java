package io.pensieve.store;

import io.pensieve.api.RequestLimits;
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
 * @param requestBounds the bounds on one request as set (0 = default); read the values in force
 *     through {@link #maxRangeEntries()}, {@link #maxRangeBytes()}, {@link
 *     #maxDeleteRangeKeys()}, {@link #maxTxnOps()} and {@link #maxLeases()}
 */
public record Settings(
    long maxEntries,
    long maxBytes,
    EvictionPolicy evictionPolicy,
    long defaultTtlMillis,
    int maxKeyBytes,
    int maxValueBytes,
    RequestBounds requestBounds) {

  /** Hard ceiling of {@code max_key_bytes}. */
  public static final int KEY_BYTES_CEILING = 64 * 1024;
  /** Hard ceiling of {@code max_value_bytes}: a value must fit in one Raft log entry with room. */
  public static final int VALUE_BYTES_CEILING = 4 * 1024 * 1024;

  public static final Settings DEFAULTS =
      new Settings(0, 0, EvictionPolicy.LRU, 0, 1024, 1024 * 1024);

  /** Settings with every request bound at its default. */
  public Settings(long maxEntries, long maxBytes, EvictionPolicy evictionPolicy,
      long defaultTtlMillis, int maxKeyBytes, int maxValueBytes) {
    this(maxEntries, maxBytes, evictionPolicy, defaultTtlMillis, maxKeyBytes, maxValueBytes,
        RequestBounds.DEFAULTS);
  }

  public Settings {
    Objects.requireNonNull(evictionPolicy, "eviction_policy");
    Objects.requireNonNull(requestBounds, "request_bounds");
    requireBetween("max_entries", maxEntries, 0, Long.MAX_VALUE);
    requireBetween("max_bytes", maxBytes, 0, Long.MAX_VALUE);
    requireBetween("default_ttl_millis", defaultTtlMillis, 0, Ttl.MAX_MILLIS);
    requireBetween("max_key_bytes", maxKeyBytes, 1, KEY_BYTES_CEILING);
    requireBetween("max_value_bytes", maxValueBytes, 1, VALUE_BYTES_CEILING);
  }

  /** Entries per range reply in force, and the largest limit a range request may give. */
  public int maxRangeEntries() {
    return RequestLimits.orDefault(
        requestBounds.maxRangeEntries(), RequestLimits.DEFAULT_RANGE_ENTRIES);
  }

  /** Bytes of keys and values per range reply in force (one larger entry still comes alone). */
  public long maxRangeBytes() {
    return RequestLimits.orDefault(requestBounds.maxRangeBytes(), RequestLimits.DEFAULT_RANGE_BYTES);
  }

  /** Live keys one delete-range command may remove, in force. */
  public int maxDeleteRangeKeys() {
    return RequestLimits.orDefault(
        requestBounds.maxDeleteRangeKeys(), RequestLimits.DEFAULT_DELETE_RANGE_KEYS);
  }

  /** Ops one transaction may hold, success and failure branches together, in force. */
  public int maxTxnOps() {
    return RequestLimits.orDefault(requestBounds.maxTxnOps(), RequestLimits.DEFAULT_TXN_OPS);
  }

  /** Leases the cluster may hold at once, in force. */
  public int maxLeases() {
    return RequestLimits.orDefault(requestBounds.maxLeases(), RequestLimits.DEFAULT_LEASES);
  }

  private static void requireBetween(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
