package io.pensieve.store;

import java.util.List;

/**
 * What a time-to-live request answers about one lease.
 *
 * @param remainingMillis until the lease's {@code expireAt}, never negative; a lease at 0 waits
 *     for the leader's next expiry command
 * @param grantedTtlMillis the TTL it was granted
 * @param keys its attached keys in unsigned-byte order; the caller's to keep
 */
// the keys are the map's own byte[] form; tests compare them by content
@SuppressWarnings("ArrayRecordComponent")
public record LeaseTimeToLive(long id, long remainingMillis, long grantedTtlMillis,
    List<byte[]> keys) {}
