package io.pensieve.server.metrics;

/** Histogram bucket bounds, in seconds, for the ranges each kind of work takes. */
final class Buckets {
  /** A loopback read takes well under a millisecond; a write waits for a quorum's fsync. */
  static final double[] REQUEST_SECONDS = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  /** Applying one entry (up to a batch of commands) is in-memory work. */
  static final double[] APPLY_SECONDS = {
      0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05, 0.1};
  /** A snapshot writes the whole map and fsyncs it: milliseconds to minutes. */
  static final double[] SNAPSHOT_SECONDS = {
      0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

  private Buckets() { }
}
