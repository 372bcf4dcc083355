package io.pensieve.store;

/** Why a lease grant changed nothing. */
public enum LeaseRefusal {
  /** The id asked for is negative or above {@link LeaseTable#MAX_CLIENT_ID}. */
  INVALID_ID,
  /** A lease with the id asked for exists. */
  LEASE_EXISTS,
  /** The TTL is outside [{@link LeaseTable#MIN_TTL_MILLIS}, {@link LeaseTable#MAX_TTL_MILLIS}]. */
  TTL_OUT_OF_RANGE,
  /** The table holds as many leases as it may. */
  TOO_MANY_LEASES
}
