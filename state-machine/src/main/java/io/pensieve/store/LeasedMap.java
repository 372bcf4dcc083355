package io.pensieve.store;

import io.pensieve.api.RequestLimits;
import io.pensieve.store.DeleteRangeOutcome.RangeDeleted;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The replicated store: the {@link LruTtlMap} and the {@link LeaseTable} its keys attach to,
 * kept in step. Every command that changes either goes through here, so that a key and its
 * lease never disagree:
 *
 * <ul>
 *   <li>Every key the map removes (delete, delete-range, expiry, eviction) is detached from its
 *       lease, through the map's {@link LruTtlMap.RemovalListener}, in the same command.
 *   <li>A put names the key's lease: another lease moves the key, none (0) detaches it, as
 *       etcd does. A put naming a lease that does not exist is refused and changes nothing. A
 *       compare-and-set, which names no lease, detaches the key like a put without one.
 *   <li>Revoking a lease, or the leader's expiry of leases, deletes their keys in the same
 *       command, all at one revision (as a delete-range does).
 * </ul>
 *
 * <p>Lease commands use the map's apply time ({@link LruTtlMap#advanceClock}: the largest stamp
 * seen), so a lease granted or renewed under a leader whose clock is behind still expires no
 * earlier than {@code stamp + ttl} by the clock of any earlier leader, and a renewal never
 * moves {@code expireAt} back ({@link LeaseTable#keepAlive}).
 *
 * <p>Deterministic and not thread-safe, as its parts are.
 */
public final class LeasedMap {
  /**
   * How many leases the store holds at once, until the cluster's settings carry it; every
   * replica must use the same bound, or they would refuse different grants.
   */
  public static final int MAX_LEASES = RequestLimits.DEFAULT_LEASES;

  private final LruTtlMap map;
  private final LeaseTable leases;

  public LeasedMap() {
    this(new LruTtlMap(), new LeaseTable(MAX_LEASES));
  }

  /** Joins a map and a lease table (as a snapshot loads them); the store owns both from now. */
  public LeasedMap(LruTtlMap map, LeaseTable leases) {
    this.map = map;
    this.leases = leases;
    map.onRemoval(this::detach);
  }

  private void detach(byte[] key) {
    if (leases.attachedKeys() > 0) {
      OptionalLong lease = leases.leaseOf(key);
      if (lease.isPresent()) {
        leases.detach(key, lease.getAsLong());
      }
    }
  }

  /** The map, for reads and for commands that involve no lease. */
  public LruTtlMap map() {
    return map;
  }

  /** The lease table, for reads. */
  public LeaseTable leases() {
    return leases;
  }

  // ---- commands: stampMillis is the leader's time stamp of the log entry ----

  /**
   * Stores {@code value} under {@code key} attached to {@code lease}, or to none (0).
   *
   * @param ttlMillis time to live; empty = the default TTL without a lease, none with one
   * @return {@link WriteOutcome.Stored} or {@link Refused}
   */
  public WriteOutcome put(byte[] key, byte[] value, OptionalLong ttlMillis, long lease,
      boolean returnPrevious, long stampMillis) {
    if (lease != 0 && leases.lease(lease).isEmpty()) {
      return new Refused(Refusal.LEASE_NOT_FOUND, "lease " + lease + " not found");
    }
    OptionalLong ttl = lease != 0 && ttlMillis.isEmpty() ? OptionalLong.of(0) : ttlMillis;
    WriteOutcome outcome = map.put(key, value, ttl, returnPrevious, stampMillis);
    if (outcome instanceof WriteOutcome.Stored) {
      if (lease != 0) {
        leases.attach(key, lease);
      } else {
        detach(key);
      }
    }
    return outcome;
  }

  /** As {@link LruTtlMap#compareAndSet}; a key it writes leaves its lease. */
  public WriteOutcome compareAndSet(byte[] key, Expectation expected, byte[] value,
      OptionalLong ttlMillis, boolean returnPrevious, long stampMillis) {
    WriteOutcome outcome =
        map.compareAndSet(key, expected, value, ttlMillis, returnPrevious, stampMillis);
    if (outcome instanceof WriteOutcome.Stored) {
      detach(key);
    }
    return outcome;
  }

  /** Grants a lease from apply time; see {@link LeaseTable#grant}. */
  public GrantOutcome grant(long id, long ttlMillis, long stampMillis) {
    return leases.grant(id, ttlMillis, map.advanceClock(stampMillis));
  }

  /** Renews leases from apply time; see {@link LeaseTable#keepAlive}. */
  public KeepAliveOutcome keepAlive(Collection<Long> ids, long stampMillis) {
    return leases.keepAlive(ids, map.advanceClock(stampMillis));
  }

  /** Revokes lease {@code id} and deletes its keys at one revision; empty if there is none. */
  public Optional<Revocation> revoke(long id, long stampMillis) {
    map.advanceClock(stampMillis);
    RevokeOutcome outcome = leases.revoke(id);
    if (outcome instanceof RevokeOutcome.Revoked revoked) {
      RangeDeleted deleted = map.deleteKeys(revoked.keys(), stampMillis);
      return Optional.of(new Revocation(List.of(revoked.lease()), deleted.revision(),
          deleted.deleted()));
    }
    return Optional.empty();
  }

  /**
   * The leader's expiry: revokes those of {@code ids} still expired at apply time and deletes
   * all their keys at one revision.
   */
  public Revocation expireLeases(Collection<Long> ids, long stampMillis) {
    long now = map.advanceClock(stampMillis);
    List<Lease> revokedLeases = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (RevokeOutcome.Revoked revoked : leases.revokeExpired(ids, now)) {
      revokedLeases.add(revoked.lease());
      keys.addAll(revoked.keys());
    }
    RangeDeleted deleted = map.deleteKeys(keys, stampMillis);
    return new Revocation(revokedLeases, deleted.revision(), deleted.deleted());
  }

  // ---- reads ----

  /** The lease {@code key} is attached to, 0 for none. */
  public long leaseOf(byte[] key) {
    return leases.leaseOf(key).orElse(0);
  }

  /**
   * Checks both parts and that they agree: every key attached to a lease is in the map. For
   * tests and loaded snapshots.
   *
   * @throws IllegalStateException naming the first disagreement found
   */
  public void checkInvariants() {
    map.checkInvariants();
    leases.checkInvariants();
    checkAttachedKeysHeld();
  }

  /**
   * Checks that every key attached to a lease is in the map: what joining a map and a lease
   * table that were each checked alone (a loaded snapshot) must still prove.
   *
   * @throws IllegalStateException naming the first key that is not
   */
  public void checkAttachedKeysHeld() {
    for (Lease lease : leases.list()) {
      for (byte[] key : leases.keys(lease.id())) {
        if (!map.holds(key)) {
          throw new IllegalStateException("store invariant broken: lease " + lease.id()
              + " holds a key the map does not");
        }
      }
    }
  }
}
