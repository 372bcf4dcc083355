package io.pensieve.store;

import java.util.OptionalLong;

/** The result of attaching a key to a lease. */
public sealed interface AttachOutcome permits AttachOutcome.Attached, LeaseNotFound {

  /**
   * The key now belongs to the lease.
   *
   * @param previousLease the lease the key belonged to before, if another one; it no longer does
   */
  record Attached(OptionalLong previousLease) implements AttachOutcome {}
}
