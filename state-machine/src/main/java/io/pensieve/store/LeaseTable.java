package io.pensieve.store;

import io.pensieve.api.RequestLimits;
import io.pensieve.api.Ttl;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated leases: each an id, a granted TTL, an {@code expireAt} computed from the leader's
 * time stamps, and the keys attached to it.
 *
 * <p>Pure and deterministic, as the map is: every command takes the stamp of its log entry and
 * reads no clock; nothing returned or written depends on hash order (leases by id, expiry by
 * {@code expireAt} then id, keys in unsigned-byte order), so replicas fed the same log hold equal
 * tables and write byte-identical snapshots.
 *
 * <p>A lease's {@code expireAt} only moves forward: a keep-alive sets it to
 * {@code max(expireAt, stamp + ttl)}, so a new leader whose clock is behind never shortens a
 * lease, and a leader change never resets one (the failures etcd-io/etcd#9395 and #13294
 * report). Leases end only by revocation: the leader proposes the ids {@link #expired} names,
 * and apply revokes those still expired at that command's stamp ({@link #revokeExpired}).
 *
 * <p>Costs, on a 64-bit JVM with compressed pointers: a lease 136 bytes (its state 40, its node
 * in the id index 40 with the boxed id 16, its node in the expiry index 40); an attached key 80
 * bytes plus a copy of the key (a node in the key index and one in its lease's key set, sharing
 * the copy), plus 64 bytes for the key set that a lease's first key creates: 536 bytes for a
 * lease with three 16-byte keys. 10,000 such leases measured 5.3 MB of heap (143 bytes a lease
 * without keys, 543 with).
 *
 * <p>Not thread-safe: the state machine applies commands one at a time.
 */
public final class LeaseTable {
  /**
   * The shortest TTL a lease may be granted. Keep-alives reaching a node are coalesced into one
   * log command per interval (about 1 s) and clients renew every third of the TTL, so 5 s leaves
   * room for a renewal to wait out the coalescing interval, its commit and a leader election
   * (election timeouts are 1 to 2 s) and still land before the lease runs out.
   */
  public static final long MIN_TTL_MILLIS = 5_000;
  /**
   * The longest TTL: the same bound as a key's TTL ({@link Ttl#MAX_MILLIS}, 100 years), so a key
   * attached to a lease lives no longer than a key may, and {@code stamp + ttl} never overflows.
   */
  public static final long MAX_TTL_MILLIS = Ttl.MAX_MILLIS;
  /**
   * The largest id a client may choose. Ids the table assigns continue above the largest id ever
   * granted, so capping chosen ids at 2^62 leaves 2^62 ids to assign after any choice: a client
   * can never exhaust the ids of others.
   */
  public static final long MAX_CLIENT_ID = 1L << 62;
  /** How many leases a table holds unless told otherwise. */
  public static final int DEFAULT_MAX_LEASES = RequestLimits.DEFAULT_LEASES;
  /** The snapshot section's format, written first. */
  static final int SNAPSHOT_FORMAT = 1;

  private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
  private static final Comparator<LeaseState> BY_EXPIRY =
      Comparator.<LeaseState>comparingLong(l -> l.expireAtMillis).thenComparingLong(l -> l.id);

  private final int maxLeases;
  private final TreeMap<Long, LeaseState> byId = new TreeMap<>();
  private final TreeSet<LeaseState> byExpiry = new TreeSet<>(BY_EXPIRY);
  private final TreeMap<byte[], LeaseState> leaseOfKey = new TreeMap<>(UNSIGNED);
  /** The id the next grant without an id receives; above every id ever granted. */
  private long nextId = 1;

  public LeaseTable() {
    this(DEFAULT_MAX_LEASES);
  }

  /**
   * @param maxLeases how many leases it may hold; a replicated setting, equal on every replica,
   *     or replicas would refuse different grants
   */
  public LeaseTable(int maxLeases) {
    if (maxLeases < 1) {
      throw new IllegalArgumentException("maxLeases must be at least 1, got " + maxLeases);
    }
    this.maxLeases = maxLeases;
  }

  private static final class LeaseState {
    final long id;
    final long ttlMillis;
    long expireAtMillis;
    /** Null until a key is attached: most leases in a large table hold few keys. */
    TreeSet<byte[]> keys;

    LeaseState(long id, long ttlMillis, long expireAtMillis) {
      this.id = id;
      this.ttlMillis = ttlMillis;
      this.expireAtMillis = expireAtMillis;
    }

    int keyCount() {
      return keys == null ? 0 : keys.size();
    }

    Lease view() {
      return new Lease(id, ttlMillis, expireAtMillis, keyCount());
    }

    List<byte[]> keyCopies() {
      List<byte[]> out = new ArrayList<>(keyCount());
      if (keys != null) {
        for (byte[] key : keys) {
          out.add(key.clone());
        }
      }
      return out;
    }
  }

  // ---- commands: stampMillis is the leader's time stamp of the log entry ----

  /**
   * Grants a lease of {@code ttlMillis} expiring at {@code stampMillis + ttlMillis}.
   *
   * @param id the id asked for, or 0 for the table to assign the next one
   * @return {@link GrantOutcome.Granted} or {@link GrantOutcome.Refused}, which changed nothing
   */
  public GrantOutcome grant(long id, long ttlMillis, long stampMillis) {
    requireStamp(stampMillis);
    if (id < 0 || id > MAX_CLIENT_ID) {
      return refused(LeaseRefusal.INVALID_ID,
          "lease id must be 0 (assign one) or between 1 and " + MAX_CLIENT_ID + ", got " + id);
    }
    if (ttlMillis < MIN_TTL_MILLIS || ttlMillis > MAX_TTL_MILLIS) {
      return refused(LeaseRefusal.TTL_OUT_OF_RANGE, "lease TTL must be between "
          + MIN_TTL_MILLIS / 1000 + " and " + MAX_TTL_MILLIS / 1000 + " seconds, got "
          + ttlMillis + " ms");
    }
    if (id != 0 && byId.containsKey(id)) {
      return refused(LeaseRefusal.LEASE_EXISTS, "lease " + id + " exists");
    }
    if (byId.size() >= maxLeases) {
      return refused(LeaseRefusal.TOO_MANY_LEASES,
          "the store holds " + byId.size() + " leases, its limit");
    }
    long granted = id == 0 ? nextId : id;
    if (granted == Long.MAX_VALUE) {
      // unreachable: 2^62 grants past the largest chosen id
      throw new IllegalStateException("lease ids exhausted");
    }
    nextId = Math.max(nextId, granted + 1);
    LeaseState lease = new LeaseState(granted, ttlMillis, stampMillis + ttlMillis);
    byId.put(granted, lease);
    byExpiry.add(lease);
    return new GrantOutcome.Granted(lease.view());
  }

  /**
   * Keeps the named leases alive: each one's {@code expireAt} becomes
   * {@code max(expireAt, stampMillis + ttl)}. Ids that name no lease change nothing; an id named
   * twice counts once.
   */
  public KeepAliveOutcome keepAlive(Collection<Long> ids, long stampMillis) {
    requireStamp(stampMillis);
    List<Lease> renewed = new ArrayList<>();
    List<Long> notFound = new ArrayList<>();
    for (long id : new TreeSet<>(ids)) {
      LeaseState lease = byId.get(id);
      if (lease == null) {
        notFound.add(id);
        continue;
      }
      long renewedAt = stampMillis + lease.ttlMillis;
      if (renewedAt > lease.expireAtMillis) {
        byExpiry.remove(lease);
        lease.expireAtMillis = renewedAt;
        byExpiry.add(lease);
      }
      renewed.add(lease.view());
    }
    return new KeepAliveOutcome(renewed, notFound);
  }

  /** Revokes lease {@code id}, whether or not it has expired, and detaches its keys. */
  public RevokeOutcome revoke(long id) {
    LeaseState lease = byId.get(id);
    return lease == null ? new LeaseNotFound(id) : remove(lease);
  }

  /**
   * Revokes those of {@code ids} that are still expired at {@code stampMillis}
   * ({@code expireAt <= stampMillis}): the apply of the leader's expiry command. A lease kept
   * alive since the leader chose it, or already revoked, is left alone.
   *
   * @return the revoked leases, by id
   */
  public List<RevokeOutcome.Revoked> revokeExpired(Collection<Long> ids, long stampMillis) {
    requireStamp(stampMillis);
    List<RevokeOutcome.Revoked> revoked = new ArrayList<>();
    for (long id : new TreeSet<>(ids)) {
      LeaseState lease = byId.get(id);
      if (lease != null && lease.expireAtMillis <= stampMillis) {
        revoked.add(remove(lease));
      }
    }
    return revoked;
  }

  private RevokeOutcome.Revoked remove(LeaseState lease) {
    byId.remove(lease.id);
    byExpiry.remove(lease);
    List<byte[]> keys = new ArrayList<>(lease.keyCount());
    if (lease.keys != null) {
      for (byte[] key : lease.keys) {
        leaseOfKey.remove(key);
        keys.add(key);
      }
    }
    return new RevokeOutcome.Revoked(lease.view(), keys);
  }

  /**
   * Attaches {@code key} to lease {@code id}, detaching it from any other lease: a key belongs to
   * at most one. The map calls it when a put names a lease.
   *
   * @return {@link AttachOutcome.Attached} or {@link LeaseNotFound}, which changed nothing
   */
  public AttachOutcome attach(byte[] key, long id) {
    LeaseState lease = byId.get(id);
    if (lease == null) {
      return new LeaseNotFound(id);
    }
    LeaseState previous = leaseOfKey.get(key);
    if (previous == lease) {
      return new AttachOutcome.Attached(OptionalLong.empty());
    }
    byte[] copy = key.clone();
    if (previous != null) {
      leaseOfKey.remove(key);
      dropKey(previous, key);
    }
    leaseOfKey.put(copy, lease);
    if (lease.keys == null) {
      lease.keys = new TreeSet<>(UNSIGNED);
    }
    lease.keys.add(copy);
    return new AttachOutcome.Attached(
        previous == null ? OptionalLong.empty() : OptionalLong.of(previous.id));
  }

  /**
   * Detaches {@code key} from lease {@code id}, if it is attached to that lease; a key attached
   * to another lease, or to none, is left alone. The map calls it when a key attached to a lease
   * is overwritten without it, deleted, expires or is evicted.
   *
   * @return whether the key was attached to lease {@code id}
   */
  public boolean detach(byte[] key, long id) {
    LeaseState lease = leaseOfKey.get(key);
    if (lease == null || lease.id != id) {
      return false;
    }
    leaseOfKey.remove(key);
    dropKey(lease, key);
    return true;
  }

  private static void dropKey(LeaseState lease, byte[] key) {
    lease.keys.remove(key);
    if (lease.keys.isEmpty()) {
      lease.keys = null;
    }
  }

  // ---- reads ----

  /**
   * The ids of leases expired at {@code stampMillis} ({@code expireAt <= stampMillis}), soonest
   * expiry first then by id, at most {@code max}: what the leader proposes to revoke.
   */
  public List<Long> expired(long stampMillis, int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must not be negative, got " + max);
    }
    List<Long> ids = new ArrayList<>(Math.min(max, 64));
    for (LeaseState lease : byExpiry) {
      if (ids.size() >= max || lease.expireAtMillis > stampMillis) {
        break;
      }
      ids.add(lease.id);
    }
    return ids;
  }

  public Optional<Lease> lease(long id) {
    LeaseState lease = byId.get(id);
    return lease == null ? Optional.empty() : Optional.of(lease.view());
  }

  /** The lease {@code key} is attached to, if any. */
  public OptionalLong leaseOf(byte[] key) {
    LeaseState lease = leaseOfKey.get(key);
    return lease == null ? OptionalLong.empty() : OptionalLong.of(lease.id);
  }

  /** The keys attached to lease {@code id} in unsigned-byte order; empty if there is no such lease. */
  public List<byte[]> keys(long id) {
    LeaseState lease = byId.get(id);
    return lease == null ? List.of() : lease.keyCopies();
  }

  /** What lease {@code id} has left at {@code nowMillis}, its granted TTL and its keys. */
  public Optional<LeaseTimeToLive> timeToLive(long id, long nowMillis) {
    LeaseState lease = byId.get(id);
    return lease == null ? Optional.empty() : Optional.of(new LeaseTimeToLive(id,
        Math.max(0, lease.expireAtMillis - nowMillis), lease.ttlMillis, lease.keyCopies()));
  }

  /** Every lease, by id. */
  public List<Lease> list() {
    List<Lease> out = new ArrayList<>(byId.size());
    for (LeaseState lease : byId.values()) {
      out.add(lease.view());
    }
    return out;
  }

  public int size() {
    return byId.size();
  }

  /** How many keys are attached to a lease, over all leases. */
  public int attachedKeys() {
    return leaseOfKey.size();
  }

  /** The id the next grant without an id receives. */
  public long nextId() {
    return nextId;
  }

  public int maxLeases() {
    return maxLeases;
  }

  // ---- snapshot ----

  /**
   * Writes the whole table: the format, the next id, then each lease by id with its keys in
   * unsigned-byte order. Equal tables write equal bytes.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(SNAPSHOT_FORMAT);
    out.writeLong(nextId);
    out.writeInt(byId.size());
    for (LeaseState lease : byId.values()) {
      out.writeLong(lease.id);
      out.writeLong(lease.ttlMillis);
      out.writeLong(lease.expireAtMillis);
      out.writeInt(lease.keyCount());
      if (lease.keys != null) {
        for (byte[] key : lease.keys) {
          out.writeInt(key.length);
          out.write(key);
        }
      }
    }
  }

  /**
   * Reads a table {@link #writeTo} wrote, checking it whole.
   *
   * @param maxLeases the limit on new grants; a table holding more (the setting was lowered)
   *     loads all the same and grants nothing until it holds fewer
   * @throws IOException if the bytes are not such a table
   */
  public static LeaseTable readFrom(DataInput in, int maxLeases) throws IOException {
    int format = in.readInt();
    if (format != SNAPSHOT_FORMAT) {
      throw corrupt("unknown lease table format " + format);
    }
    LeaseTable table = new LeaseTable(maxLeases);
    table.nextId = in.readLong();
    int count = in.readInt();
    if (count < 0) {
      throw corrupt("negative lease count " + count);
    }
    long previousId = 0;
    for (int i = 0; i < count; i++) {
      long id = in.readLong();
      if (id <= previousId) {
        throw corrupt("lease " + id + " follows lease " + previousId);
      }
      previousId = id;
      LeaseState lease = new LeaseState(id, in.readLong(), in.readLong());
      table.byId.put(id, lease);
      table.byExpiry.add(lease);
      int keyCount = in.readInt();
      if (keyCount < 0) {
        throw corrupt("lease " + id + " has a negative key count " + keyCount);
      }
      byte[] previousKey = null;
      for (int k = 0; k < keyCount; k++) {
        int length = in.readInt();
        if (length < 0 || length > Settings.KEY_BYTES_CEILING) {
          throw corrupt("lease " + id + " has a key of " + length + " bytes");
        }
        byte[] key = new byte[length];
        in.readFully(key);
        if (previousKey != null && UNSIGNED.compare(previousKey, key) >= 0) {
          throw corrupt("lease " + id + " lists its keys out of order");
        }
        previousKey = key;
        if (table.leaseOfKey.putIfAbsent(key, lease) != null) {
          throw corrupt("a key is attached to two leases, one of them " + id);
        }
        if (lease.keys == null) {
          lease.keys = new TreeSet<>(UNSIGNED);
        }
        lease.keys.add(key);
      }
    }
    try {
      table.checkInvariants();
    } catch (IllegalStateException e) {
      throw corrupt(e.getMessage());
    }
    return table;
  }

  private static IOException corrupt(String what) {
    return new IOException("corrupt lease table in snapshot: " + what);
  }

  /**
   * Checks that the table's parts agree: every lease has a valid id below the next id, a TTL in
   * range and an {@code expireAt} of some non-negative stamp plus its TTL; the expiry index holds
   * exactly the leases; a key's lease lists the key and every listed key names its lease.
   *
   * @throws IllegalStateException naming the first disagreement found
   */
  public void checkInvariants() {
    if (nextId < 1) {
      throw broken("next id " + nextId);
    }
    if (byExpiry.size() != byId.size()) {
      throw broken(byExpiry.size() + " leases in expiry order, " + byId.size() + " by id");
    }
    int listedKeys = 0;
    for (Map.Entry<Long, LeaseState> e : byId.entrySet()) {
      LeaseState lease = e.getValue();
      if (lease.id != e.getKey() || lease.id < 1 || lease.id >= nextId) {
        throw broken("lease " + lease.id + " under id " + e.getKey() + ", next id " + nextId);
      }
      if (lease.ttlMillis < MIN_TTL_MILLIS || lease.ttlMillis > MAX_TTL_MILLIS) {
        throw broken("lease " + lease.id + " has TTL " + lease.ttlMillis + " ms");
      }
      if (lease.expireAtMillis < lease.ttlMillis) {
        throw broken("lease " + lease.id + " expires at " + lease.expireAtMillis
            + ", before any stamp plus its TTL " + lease.ttlMillis);
      }
      if (!byExpiry.contains(lease)) {
        throw broken("lease " + lease.id + " is missing from expiry order");
      }
      if (lease.keys != null) {
        if (lease.keys.isEmpty()) {
          throw broken("lease " + lease.id + " keeps an empty key set");
        }
        for (byte[] key : lease.keys) {
          if (leaseOfKey.get(key) != lease) {
            throw broken("lease " + lease.id + " lists a key attached elsewhere");
          }
        }
        listedKeys += lease.keys.size();
      }
    }
    if (listedKeys != leaseOfKey.size()) {
      throw broken(leaseOfKey.size() + " keys attached, " + listedKeys + " listed by leases");
    }
  }

  private static IllegalStateException broken(String what) {
    return new IllegalStateException("lease table invariant broken: " + what);
  }

  private static void requireStamp(long stampMillis) {
    if (stampMillis < 0) {
      throw new IllegalArgumentException("negative stamp " + stampMillis);
    }
  }

  private static GrantOutcome refused(LeaseRefusal reason, String message) {
    return new GrantOutcome.Refused(reason, message);
  }
}
