package io.pensieve.store;

import io.pensieve.api.RequestLimits;

/**
 * The replicated bounds on one request, as the operator set them: 0 means the build's default in
 * {@link RequestLimits}, which is how a cluster configured before these settings existed reads.
 * Kept as set rather than resolved, so that every replica, whether it loaded a snapshot or
 * replayed the log, resolves a 0 the same way. Read the values in force through {@link Settings}
 * ({@code maxRangeEntries()} and its siblings), never from here.
 *
 * @param maxRangeEntries entries per range reply, and the largest limit a range may give
 * @param maxRangeBytes bytes of keys and values per range reply
 * @param maxDeleteRangeKeys live keys one delete-range may remove
 * @param maxTxnOps ops in one transaction, both branches counted together
 * @param maxLeases leases the cluster holds at once
 */
public record RequestBounds(
    int maxRangeEntries,
    long maxRangeBytes,
    int maxDeleteRangeKeys,
    int maxTxnOps,
    int maxLeases) {

  /** Every bound at its default. */
  public static final RequestBounds DEFAULTS = new RequestBounds(0, 0, 0, 0, 0);

  public RequestBounds {
    requireUnsetOrBetween("max_range_entries", maxRangeEntries, 1,
        RequestLimits.MAX_RANGE_ENTRIES, RequestLimits.DEFAULT_RANGE_ENTRIES);
    requireUnsetOrBetween("max_range_bytes", maxRangeBytes, RequestLimits.MIN_RANGE_BYTES,
        RequestLimits.MAX_RANGE_BYTES, RequestLimits.DEFAULT_RANGE_BYTES);
    requireUnsetOrBetween("max_delete_range_keys", maxDeleteRangeKeys, 1,
        RequestLimits.MAX_DELETE_RANGE_KEYS, RequestLimits.DEFAULT_DELETE_RANGE_KEYS);
    requireUnsetOrBetween("max_txn_ops", maxTxnOps, 1,
        RequestLimits.MAX_TXN_OPS, RequestLimits.DEFAULT_TXN_OPS);
    requireUnsetOrBetween("max_leases", maxLeases, 1,
        RequestLimits.MAX_LEASES, RequestLimits.DEFAULT_LEASES);
  }

  private static void requireUnsetOrBetween(
      String name, long value, long min, long max, long defaultValue) {
    if (value != 0 && (value < min || value > max)) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max
          + " (or 0 for the default, " + defaultValue + "), got " + value);
    }
  }
}
