package io.pensieve.api;

/**
 * The most one range reply holds, whatever the request asks: no read can make a node build an
 * unbounded reply (etcd users report nodes out of memory on unbounded ranges, etcd-io/etcd#12678).
 * A reply that stops at either bound says {@code more} and where the next page starts.
 */
public final class RangeLimits {
  /** Entries per reply: also the largest {@code limit} a request may give. */
  public static final int MAX_ENTRIES = 10_000;
  /**
   * Bytes of keys and values per reply, with room below {@link GrpcLimits#MAX_MESSAGE_BYTES}
   * for the entries' metadata and framing. A single entry larger than this is still returned,
   * alone: no key is ever skipped.
   */
  public static final long MAX_BYTES = 4L * 1024 * 1024;
  /**
   * Live keys one delete-range command may remove: the apply step of one log entry stays
   * bounded in time on every replica. A range holding more is refused, nothing deleted.
   */
  public static final int MAX_DELETE_KEYS = 10_000;

  private RangeLimits() {}
}
