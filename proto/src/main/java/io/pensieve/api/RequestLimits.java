package io.pensieve.api;

/**
 * The most one request may ask of a node: no range reply, delete, transaction or lease count can
 * grow without bound (etcd users report nodes out of memory on unbounded ranges,
 * etcd-io/etcd#12678). Each bound is a replicated setting; these are its default, used while the
 * setting is 0 (a cluster configured before it existed), and the range an operator may set.
 */
public final class RequestLimits {
  /** Entries per range reply: also the largest {@code limit} a request may give. */
  public static final int DEFAULT_RANGE_ENTRIES = 10_000;

  public static final int MAX_RANGE_ENTRIES = 100_000;
  /**
   * Bytes of keys and values per range reply, with room below {@link
   * GrpcLimits#MAX_MESSAGE_BYTES} for the entries' metadata and framing. A single entry larger
   * than this is still returned, alone: no key is ever skipped. The default is the most.
   */
  public static final long MAX_RANGE_BYTES = 4L * 1024 * 1024;

  public static final long DEFAULT_RANGE_BYTES = MAX_RANGE_BYTES;
  public static final long MIN_RANGE_BYTES = 64L * 1024;
  /**
   * Live keys one delete-range command may remove: the apply step of one log entry stays
   * bounded in time on every replica. A range holding more is refused, nothing deleted.
   */
  public static final int DEFAULT_DELETE_RANGE_KEYS = 10_000;

  public static final int MAX_DELETE_RANGE_KEYS = 1_000_000;
  /** Ops of one transaction, its success and failure branches counted together. */
  public static final int DEFAULT_TXN_OPS = 128;

  public static final int MAX_TXN_OPS = 10_000;
  /** Leases the cluster holds at once. */
  public static final int DEFAULT_LEASES = 100_000;

  public static final int MAX_LEASES = 10_000_000;

  private RequestLimits() {}

  /** A setting's value in force: the default while it is 0 (unset). */
  public static int orDefault(int setting, int defaultValue) {
    return setting > 0 ? setting : defaultValue;
  }

  /** A setting's value in force: the default while it is 0 (unset). */
  public static long orDefault(long setting, long defaultValue) {
    return setting > 0 ? setting : defaultValue;
  }
}
