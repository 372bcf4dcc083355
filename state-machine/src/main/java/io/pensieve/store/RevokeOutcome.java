package io.pensieve.store;

import java.util.List;

/** The result of a lease revocation. */
public sealed interface RevokeOutcome permits RevokeOutcome.Revoked, LeaseNotFound {

  /**
   * The lease is gone; the caller deletes {@code keys} in the same apply step.
   *
   * @param lease the lease as it was when revoked
   * @param keys the keys that were attached to it, in unsigned-byte order; the caller's to keep
   */
  // the keys are the map's own byte[] form; tests compare them by content
  @SuppressWarnings("ArrayRecordComponent")
  record Revoked(Lease lease, List<byte[]> keys) implements RevokeOutcome {}
}
