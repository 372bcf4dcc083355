package io.pensieve.store;

/**
 * A copy of one lease's replicated state, without its keys ({@link LeaseTable#keys} lists them).
 *
 * @param id the lease's id, greater than 0
 * @param ttlMillis the time to live it was granted; every keep-alive extends it by this much
 * @param expireAtMillis epoch milliseconds by the leaders' stamps: the lease is revoked by the
 *     first expiry command stamped at or after it
 * @param keyCount how many keys are attached to it
 */
public record Lease(long id, long ttlMillis, long expireAtMillis, int keyCount) {

  /** What is left of the lease at {@code nowMillis}, never negative. */
  public long remainingMillis(long nowMillis) {
    return Math.max(0, expireAtMillis - nowMillis);
  }
}
