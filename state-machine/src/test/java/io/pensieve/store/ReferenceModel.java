package io.pensieve.store;

import io.pensieve.api.Ttl;
import io.pensieve.store.ConfigureOutcome.Configured;
import io.pensieve.store.DeleteRangeOutcome.RangeDeleted;
import io.pensieve.store.WriteOutcome.CompareFailed;
import io.pensieve.store.WriteOutcome.Deleted;
import io.pensieve.store.WriteOutcome.NotFound;
import io.pensieve.store.WriteOutcome.Stored;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The store's rules written as plainly as possible, to check {@link LeasedMap} (the map and its
 * leases) against: a {@link LinkedHashMap} in LRU order whose values name their lease, a tree
 * map of leases, full scans for expiry, byte counts and a lease's keys, a sort of all keys for
 * every range, no index of any kind. Refusals carry no message; compare reasons only.
 */
public final class ReferenceModel {
  /**
   * Mistakes to build into the model on purpose, so that a test can show that the property
   * tests notice when the map and the model disagree on each of these rules.
   */
  public enum PlantedBug {
    NONE,
    /** Entries that expire at the same instant go newest version first. */
    REVERSED_EXPIRY_TIE_BREAK,
    /** Under noeviction, a write that exactly fills max_bytes is refused. */
    NOEVICTION_OFF_BY_ONE,
    /** A touch leaves keys where they are in LRU order. */
    TOUCH_DOES_NOT_MOVE_KEYS,
    /** A range includes the key equal to its end. */
    RANGE_END_INCLUDED,
    /** Each write of a transaction takes a revision of its own. */
    TXN_WRITES_AT_SEPARATE_REVISIONS,
    /** A refused transaction keeps the writes before the refused one. */
    TXN_REFUSAL_KEEPS_EARLIER_WRITES,
    /** A keep-alive sets {@code expireAt = stamp + ttl}: a stamp behind shortens the lease. */
    KEEP_ALIVE_SHORTENS_UNDER_A_CLOCK_BEHIND,
    /** A revoke deletes every attached key but the last, which stays, detached. */
    REVOKE_LEAVES_ONE_KEY,
    /** A put naming another lease leaves the key attached to its old lease. */
    OVERWRITE_KEEPS_THE_OLD_LEASE,
    /** The leader's expiry revokes every lease it names, due at the stamp or not. */
    LEASE_EXPIRY_IGNORES_RENEWALS,
    /** A transaction's lease compare reads 0 (no lease) for every key. */
    TXN_LEASE_COMPARE_READS_NO_LEASE
  }

  @SuppressWarnings("ArrayRecordComponent") // never compared: the model compares its fields
  private record Value(byte[] value, long version, long createRevision, long expireAtMillis,
      long lease) {}

  /** A lease; its keys are the entries that name it. */
  private static final class ModelLease {
    final long ttlMillis;
    long expireAtMillis;

    ModelLease(long ttlMillis, long expireAtMillis) {
      this.ttlMillis = ttlMillis;
      this.expireAtMillis = expireAtMillis;
    }
  }

  private final PlantedBug bug;
  private final LinkedHashMap<ByteBuffer, Value> entries = new LinkedHashMap<>();
  private final TreeMap<Long, ModelLease> leases = new TreeMap<>();
  /** The id the next grant without one takes: above every id ever granted. */
  private long nextLeaseId = 1;
  private Settings settings = Settings.DEFAULTS;
  private boolean configured;
  private long revision;
  private long clockMillis;
  private long evictions;
  private long expirations;
  /** Inside a transaction: the revision all its writes take, else 0. */
  private long txnRevision;
  /** Inside a transaction, whose writes remove no more expired entries than their own. */
  private boolean inTxn;

  public ReferenceModel() {
    this(PlantedBug.NONE);
  }

  public ReferenceModel(PlantedBug bug) {
    this.bug = bug;
  }

  Optional<Entry> get(byte[] key, long nowMillis) {
    Value v = entries.get(ByteBuffer.wrap(key));
    if (v == null || (v.expireAtMillis != 0 && v.expireAtMillis <= nowMillis)) {
      return Optional.empty();
    }
    return Optional.of(entry(key, v));
  }

  /** One page of a range read; {@code limit} and {@code maxBytes} 0 = none. */
  RangeResult range(byte[] key, byte[] rangeEnd, int limit, long maxBytes, boolean keysOnly,
      long nowMillis) {
    List<Entry> page = new ArrayList<>();
    long pageBytes = 0;
    for (byte[] k : keysInRange(key, rangeEnd)) {
      Optional<Entry> live = get(k, nowMillis);
      if (live.isEmpty()) {
        continue;
      }
      Entry e = live.get();
      long size = (long) k.length + (keysOnly ? 0 : e.value().length);
      if ((limit > 0 && page.size() == limit)
          || (maxBytes > 0 && !page.isEmpty() && pageBytes + size > maxBytes)) {
        return new RangeResult(page, true, k);
      }
      page.add(keysOnly
          ? new Entry(k, new byte[0], e.version(), e.createRevision(), e.expireAtMillis()) : e);
      pageBytes += size;
    }
    return new RangeResult(page, false, new byte[0]);
  }

  long count(byte[] key, byte[] rangeEnd, long nowMillis) {
    return keysInRange(key, rangeEnd).stream().filter(k -> get(k, nowMillis).isPresent()).count();
  }

  DeleteRangeOutcome deleteRange(byte[] key, byte[] rangeEnd, int maxKeys, boolean returnPrevious,
      long stamp) {
    begin(stamp);
    if (key.length > Settings.KEY_BYTES_CEILING || rangeEnd.length > Settings.KEY_BYTES_CEILING) {
      return refused(Refusal.KEY_TOO_LARGE);
    }
    if ((key.length == 0 && rangeEnd.length == 0) || maxKeys < 1) {
      return refused(Refusal.INVALID_ARGUMENT);
    }
    List<byte[]> inRange = keysInRange(key, rangeEnd);
    List<byte[]> live = inRange.stream().filter(k -> get(k, clockMillis).isPresent()).toList();
    if (live.size() > maxKeys) {
      return refused(Refusal.INVALID_ARGUMENT);
    }
    if (!live.isEmpty()) {
      nextRevision();
    }
    List<Entry> previous = new ArrayList<>();
    for (byte[] k : inRange) {
      Optional<Entry> e = get(k, clockMillis);
      if (e.isPresent() && returnPrevious) {
        previous.add(e.get());
      } else if (e.isEmpty()) {
        expirations++;
      }
      entries.remove(ByteBuffer.wrap(k));
    }
    return new RangeDeleted(revision, live.size(), previous);
  }

  /** Every key in {@code [key, rangeEnd)}, expired ones included, by a sort of all keys. */
  private List<byte[]> keysInRange(byte[] key, byte[] rangeEnd) {
    List<byte[]> out = new ArrayList<>();
    for (ByteBuffer k : entries.keySet()) {
      byte[] candidate = bytesOf(k);
      boolean in;
      if (rangeEnd.length == 0) {
        in = Arrays.equals(candidate, key);
      } else if (rangeEnd.length == 1 && rangeEnd[0] == 0) {
        in = Arrays.compareUnsigned(candidate, key) >= 0;
      } else {
        int toEnd = Arrays.compareUnsigned(candidate, rangeEnd);
        in = Arrays.compareUnsigned(candidate, key) >= 0
            && (toEnd < 0 || (bug == PlantedBug.RANGE_END_INCLUDED && toEnd == 0));
      }
      if (in) {
        out.add(candidate);
      }
    }
    out.sort(Arrays::compareUnsigned);
    return out;
  }

  /**
   * A put attached to {@code lease}, or to none (0): a lease that does not exist refuses it,
   * before anything else is checked; with a lease and no TTL the entry never expires by itself.
   */
  WriteOutcome put(byte[] key, byte[] value, OptionalLong ttl, long lease, boolean returnPrevious,
      long stamp) {
    begin(stamp);
    if (lease != 0 && !leases.containsKey(lease)) {
      return refused(Refusal.LEASE_NOT_FOUND);
    }
    Optional<Refused> invalid = checkWrite(key, value, ttl);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    long defaultTtl = lease != 0 ? 0 : settings.defaultTtlMillis();
    return store(key, value, ttl.orElse(defaultTtl), lease, returnPrevious);
  }

  WriteOutcome compareAndSet(byte[] key, Expectation expected, byte[] value, OptionalLong ttl,
      boolean returnPrevious, long stamp) {
    begin(stamp);
    Optional<Refused> invalid = checkWrite(key, value, ttl);
    if (invalid.isEmpty()) {
      invalid = checkExpectation(expected);
    }
    if (invalid.isPresent()) {
      return invalid.get();
    }
    dropIfExpired(key);
    if (!holds(expected, key)) {
      return new CompareFailed(current(key));
    }
    // a compare-and-set names no lease: the key leaves any it had
    return store(key, value, ttl.orElse(settings.defaultTtlMillis()), 0, returnPrevious);
  }

  WriteOutcome delete(byte[] key, Optional<Expectation> expected, boolean returnPrevious,
      long stamp) {
    begin(stamp);
    if (key.length == 0) {
      return refused(Refusal.INVALID_ARGUMENT);
    }
    if (key.length > Settings.KEY_BYTES_CEILING) {
      return refused(Refusal.KEY_TOO_LARGE);
    }
    if (expected.isPresent() && checkExpectation(expected.get()).isPresent()) {
      return refused(Refusal.INVALID_ARGUMENT);
    }
    dropIfExpired(key);
    if (expected.isPresent() && !holds(expected.get(), key)) {
      return new CompareFailed(current(key));
    }
    if (!entries.containsKey(ByteBuffer.wrap(key))) {
      return new NotFound();
    }
    nextRevision();
    Optional<Entry> previous = returnPrevious ? current(key) : Optional.empty();
    entries.remove(ByteBuffer.wrap(key));
    return new Deleted(revision, previous);
  }

  int touch(List<byte[]> keys, long stamp) {
    begin(stamp);
    int touched = 0;
    for (byte[] key : keys) {
      dropIfExpired(key);
      if (bug == PlantedBug.TOUCH_DOES_NOT_MOVE_KEYS) {
        touched += entries.containsKey(ByteBuffer.wrap(key)) ? 1 : 0;
        continue;
      }
      Value v = entries.remove(ByteBuffer.wrap(key));
      if (v != null) {
        entries.put(ByteBuffer.wrap(key.clone()), v);
        touched++;
      }
    }
    return touched;
  }

  int expire(int maxEntries, long stamp) {
    clockMillis = Math.max(clockMillis, stamp);
    return removeExpired(Math.max(0, Math.min(maxEntries, LruTtlMap.EXPIRE_COMMAND_LIMIT)));
  }

  ConfigureOutcome configure(SettingsUpdate update, boolean onlyIfUnconfigured, long stamp) {
    begin(stamp);
    if (onlyIfUnconfigured && configured) {
      return new Configured(false, settings, 0);
    }
    Settings next;
    try {
      next = update.applyTo(settings);
    } catch (IllegalArgumentException e) {
      return refused(Refusal.INVALID_ARGUMENT);
    }
    boolean changed = !next.equals(settings);
    settings = next;
    configured = true;
    return new Configured(changed, settings, evictToFit());
  }

  /**
   * A transaction, the plain way. First the rules that hold whatever the store holds (keys,
   * values and TTLs within the settings, range bounds in order, in both branches and the
   * compares): breaking one refuses it before apply touches anything, clock included. Then the
   * compares, read at the clock the transaction applies at, pick a branch; a put of that branch
   * naming a lease that does not exist refuses it, still before anything changes. Then the
   * expired entries due are removed once, and the branch's writes run one by one on the live
   * state, each at the one revision after the store's; if one is refused, the state saved
   * before the first is put back whole.
   */
  Programs.TxnAnswer txn(Programs.Txn txn, long stamp) {
    Optional<Refusal> malformed = txnRules(txn);
    if (malformed.isPresent()) {
      return Programs.TxnAnswer.refused(malformed.get());
    }
    long applyAt = Math.max(clockMillis, stamp);
    boolean succeeded = txn.compares().stream().allMatch(c -> holds(c, applyAt));
    List<Programs.Step> writes = succeeded ? txn.success() : txn.failure();
    for (Programs.Step write : writes) {
      if (write instanceof Programs.Put p && p.lease() != 0 && !leases.containsKey(p.lease())) {
        return Programs.TxnAnswer.refused(Refusal.LEASE_NOT_FOUND);
      }
    }
    begin(stamp);
    LinkedHashMap<ByteBuffer, Value> savedEntries = new LinkedHashMap<>(entries);
    long savedRevision = revision;
    long savedEvictions = evictions;
    long savedExpirations = expirations;
    boolean separate = bug == PlantedBug.TXN_WRITES_AT_SEPARATE_REVISIONS;
    txnRevision = separate ? 0 : revision + 1;
    List<Object> outcomes = new ArrayList<>();
    inTxn = true;
    try {
      for (Programs.Step step : writes) {
        Object outcome = write(step);
        if (outcome instanceof Refused refused) {
          if (bug != PlantedBug.TXN_REFUSAL_KEEPS_EARLIER_WRITES) {
            entries.clear();
            entries.putAll(savedEntries);
            revision = savedRevision;
            evictions = savedEvictions;
            expirations = savedExpirations;
          }
          return Programs.TxnAnswer.refused(refused.reason());
        }
        outcomes.add(outcome);
      }
    } finally {
      txnRevision = 0;
      inTxn = false;
    }
    return Programs.TxnAnswer.applied(succeeded, revision, outcomes);
  }

  /** Whether {@code compare} holds for its key as read at {@code nowMillis}. */
  private boolean holds(Programs.KeyCompare compare, long nowMillis) {
    Optional<Entry> current = get(compare.key(), nowMillis);
    long actual = switch (compare.target()) {
      case VERSION -> current.map(Entry::version).orElse(0L);
      case CREATE_REVISION -> current.map(Entry::createRevision).orElse(0L);
      case LEASE -> bug == PlantedBug.TXN_LEASE_COMPARE_READS_NO_LEASE || current.isEmpty() ? 0
          : entries.get(ByteBuffer.wrap(compare.key())).lease;
      case EXISTS -> current.isPresent() ? 1 : 0;
    };
    return compare.op().holds(actual, compare.value());
  }

  /**
   * The first rule of a transaction's shape it breaks, in the order the rules are read: the
   * compares, then the success branch's writes, then the failure branch's, each for its key,
   * value and TTL, or its range's bounds, against the settings in force.
   */
  private Optional<Refusal> txnRules(Programs.Txn txn) {
    if (txn.success().size() + txn.failure().size() > settings.maxTxnOps()) {
      return Optional.of(Refusal.INVALID_ARGUMENT);
    }
    for (Programs.KeyCompare compare : txn.compares()) {
      Optional<Refusal> key = keyRule(compare.key());
      if (key.isPresent()) {
        return key;
      }
      if (compare.target() == Programs.CompareTarget.EXISTS
          && compare.op() != Programs.CompareOp.EQUAL
          && compare.op() != Programs.CompareOp.NOT_EQUAL) {
        return Optional.of(Refusal.INVALID_ARGUMENT);
      }
    }
    for (Programs.Step write : concat(txn.success(), txn.failure())) {
      Optional<Refusal> broken = writeRule(write);
      if (broken.isPresent()) {
        return broken;
      }
    }
    return Optional.empty();
  }

  private Optional<Refusal> writeRule(Programs.Step write) {
    if (write instanceof Programs.Put p) {
      Optional<Refusal> key = keyRule(p.key());
      if (key.isPresent()) {
        return key;
      }
      if (p.value().length > settings.maxValueBytes()) {
        return Optional.of(Refusal.VALUE_TOO_LARGE);
      }
      boolean ttlOutOfRange = p.ttl().isPresent()
          && (p.ttl().getAsLong() < 0 || p.ttl().getAsLong() > Ttl.MAX_MILLIS);
      return ttlOutOfRange ? Optional.of(Refusal.INVALID_ARGUMENT) : Optional.empty();
    } else if (write instanceof Programs.Delete d) {
      return keyRule(d.key());
    }
    Programs.DeleteRange d = (Programs.DeleteRange) write;
    if (d.key().length == 0 && d.rangeEnd().length == 0) {
      return Optional.of(Refusal.INVALID_ARGUMENT);
    }
    if (d.key().length > settings.maxKeyBytes() || d.rangeEnd().length > settings.maxKeyBytes()) {
      return Optional.of(Refusal.KEY_TOO_LARGE);
    }
    boolean fromKey = d.rangeEnd().length == 1 && d.rangeEnd()[0] == 0;
    if (d.rangeEnd().length > 0 && !fromKey
        && Arrays.compareUnsigned(d.rangeEnd(), d.key()) <= 0) {
      return Optional.of(Refusal.INVALID_ARGUMENT);
    }
    return Optional.empty();
  }

  private Optional<Refusal> keyRule(byte[] key) {
    if (key.length == 0) {
      return Optional.of(Refusal.INVALID_ARGUMENT);
    }
    return key.length > settings.maxKeyBytes() ? Optional.of(Refusal.KEY_TOO_LARGE)
        : Optional.empty();
  }

  private static List<Programs.Step> concat(List<Programs.Step> a, List<Programs.Step> b) {
    List<Programs.Step> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * One write of a transaction, at the clock the transaction began at; a delete-range is
   * bounded by the setting, as every delete-range the state machine applies.
   */
  private Object write(Programs.Step write) {
    if (write instanceof Programs.Put p) {
      return put(p.key(), p.value(), p.ttl(), p.lease(), p.prev(), clockMillis);
    } else if (write instanceof Programs.Delete d) {
      return delete(d.key(), Optional.empty(), d.prev(), clockMillis);
    }
    Programs.DeleteRange d = (Programs.DeleteRange) write;
    return deleteRange(d.key(), d.rangeEnd(), settings.maxDeleteRangeKeys(), d.prev(),
        clockMillis);
  }

  // ---- leases ----

  /**
   * Grants a lease from apply time: refused when the store holds max_leases (checked first),
   * for an id out of range, a TTL out of range, or an id taken; id 0 takes the next id.
   */
  GrantOutcome grant(long id, long ttlMillis, long stamp) {
    begin(stamp);
    if (leases.size() >= settings.maxLeases()) {
      return new GrantOutcome.Refused(LeaseRefusal.TOO_MANY_LEASES, "");
    }
    if (id < 0 || id > LeaseTable.MAX_CLIENT_ID) {
      return new GrantOutcome.Refused(LeaseRefusal.INVALID_ID, "");
    }
    if (ttlMillis < LeaseTable.MIN_TTL_MILLIS || ttlMillis > LeaseTable.MAX_TTL_MILLIS) {
      return new GrantOutcome.Refused(LeaseRefusal.TTL_OUT_OF_RANGE, "");
    }
    if (leases.containsKey(id)) {
      return new GrantOutcome.Refused(LeaseRefusal.LEASE_EXISTS, "");
    }
    long granted = id == 0 ? nextLeaseId : id;
    nextLeaseId = Math.max(nextLeaseId, granted + 1);
    leases.put(granted, new ModelLease(ttlMillis, clockMillis + ttlMillis));
    return new GrantOutcome.Granted(lease(granted));
  }

  /**
   * Renews each named lease, each once: {@code expireAt = max(expireAt, now + ttl)} with now
   * the apply time, so neither a stamp behind nor a renewal can move an expiry back.
   */
  KeepAliveOutcome keepAlive(List<Long> ids, long stamp) {
    begin(stamp);
    List<Lease> renewed = new ArrayList<>();
    List<Long> notFound = new ArrayList<>();
    for (long id : new TreeSet<>(ids)) {
      ModelLease lease = leases.get(id);
      if (lease == null) {
        notFound.add(id);
        continue;
      }
      lease.expireAtMillis = bug == PlantedBug.KEEP_ALIVE_SHORTENS_UNDER_A_CLOCK_BEHIND
          ? stamp + lease.ttlMillis
          : Math.max(lease.expireAtMillis, clockMillis + lease.ttlMillis);
      renewed.add(lease(id));
    }
    return new KeepAliveOutcome(renewed, notFound);
  }

  /** Revokes the lease, expired or not, and deletes its keys at one revision. */
  Optional<Revocation> revoke(long id, long stamp) {
    begin(stamp);
    if (!leases.containsKey(id)) {
      return Optional.empty();
    }
    List<Lease> revoked = List.of(lease(id));
    leases.remove(id);
    return Optional.of(deleteKeysOf(revoked, stamp));
  }

  /** The leader's expiry: revokes those of {@code ids} still expired at apply time. */
  Revocation expireLeases(List<Long> ids, long stamp) {
    begin(stamp);
    List<Lease> revoked = new ArrayList<>();
    for (long id : new TreeSet<>(ids)) {
      ModelLease lease = leases.get(id);
      boolean due = lease != null && (lease.expireAtMillis <= clockMillis
          || bug == PlantedBug.LEASE_EXPIRY_IGNORES_RENEWALS);
      if (due) {
        revoked.add(lease(id));
        leases.remove(id);
      }
    }
    return deleteKeysOf(revoked, stamp);
  }

  /**
   * Deletes the keys attached to the revoked leases, the live ones at one new revision (none:
   * no new revision), expired ones as expirations. The deletion is a step of its own that
   * first removes the expired entries due, as every command does: so a revoke does that twice.
   */
  private Revocation deleteKeysOf(List<Lease> revoked, long stamp) {
    Set<Long> ids = new HashSet<>();
    revoked.forEach(lease -> ids.add(lease.id()));
    List<ByteBuffer> keys = new ArrayList<>();
    entries.forEach((key, value) -> {
      if (ids.contains(value.lease)) {
        keys.add(key);
      }
    });
    keys.sort((a, b) -> Arrays.compareUnsigned(bytesOf(a), bytesOf(b)));
    if (bug == PlantedBug.REVOKE_LEAVES_ONE_KEY && !keys.isEmpty()) {
      ByteBuffer kept = keys.remove(keys.size() - 1);
      Value v = entries.get(kept);
      entries.put(kept, new Value(v.value, v.version, v.createRevision, v.expireAtMillis, 0));
    }
    begin(stamp);
    int live = 0;
    for (ByteBuffer key : keys) {
      Value v = entries.get(key);
      if (v != null && !(v.expireAtMillis != 0 && v.expireAtMillis <= clockMillis)) {
        live++;
      }
    }
    if (live > 0) {
      nextRevision();
    }
    for (ByteBuffer key : keys) {
      Value v = entries.remove(key);
      if (v != null && v.expireAtMillis != 0 && v.expireAtMillis <= clockMillis) {
        expirations++;
      }
    }
    return new Revocation(revoked, revision, live);
  }

  /** Lease {@code id} as it is now, with how many keys name it, expired ones included. */
  private Lease lease(long id) {
    ModelLease lease = leases.get(id);
    int keys = (int) entries.values().stream().filter(v -> v.lease == id).count();
    return new Lease(id, lease.ttlMillis, lease.expireAtMillis, keys);
  }

  /** Every lease by id, with its keys in unsigned-byte order as hex. */
  List<StoreContents.LeaseContents> leaseContents() {
    List<StoreContents.LeaseContents> out = new ArrayList<>();
    for (long id : leases.keySet()) {
      List<byte[]> keys = new ArrayList<>();
      entries.forEach((key, value) -> {
        if (value.lease == id) {
          keys.add(bytesOf(key));
        }
      });
      keys.sort(Arrays::compareUnsigned);
      out.add(StoreContents.LeaseContents.of(lease(id), keys));
    }
    return out;
  }

  /** Everything the model holds, as {@link StoreContents#of} reads a store. */
  public StoreContents contents() {
    return new StoreContents(new MapContents(entriesInLruOrder(), state(), bytes()),
        leaseContents(), nextLeaseId);
  }

  /** The revision of a write: the next one, or the transaction's. */
  private long nextRevision() {
    if (txnRevision > 0) {
      revision = txnRevision;
    } else {
      revision++;
    }
    return revision;
  }

  List<Entry> entriesInLruOrder() {
    List<Entry> out = new ArrayList<>();
    entries.forEach((k, v) -> out.add(entry(bytesOf(k), v)));
    return out;
  }

  MapState state() {
    return new MapState(settings, configured, revision, clockMillis, evictions, expirations);
  }

  long bytes() {
    long total = 0;
    for (Map.Entry<ByteBuffer, Value> e : entries.entrySet()) {
      total += accounted(e.getKey().remaining(), e.getValue().value.length);
    }
    return total;
  }

  // ---- the rules ----

  private void begin(long stamp) {
    clockMillis = Math.max(clockMillis, stamp);
    if (!inTxn) {
      removeExpired(LruTtlMap.EXPIRED_REMOVED_PER_COMMAND);
    }
  }

  private int removeExpired(int limit) {
    List<Map.Entry<ByteBuffer, Value>> due = new ArrayList<>();
    for (Map.Entry<ByteBuffer, Value> e : entries.entrySet()) {
      long at = e.getValue().expireAtMillis;
      if (at != 0 && at <= clockMillis) {
        due.add(e);
      }
    }
    Comparator<Map.Entry<ByteBuffer, Value>> byVersion =
        Comparator.comparingLong(e -> e.getValue().version);
    // several keys share a version when one transaction wrote them: then key order decides
    Comparator<Map.Entry<ByteBuffer, Value>> byKey =
        (a, b) -> Arrays.compareUnsigned(bytesOf(a.getKey()), bytesOf(b.getKey()));
    due.sort(Comparator.comparingLong((Map.Entry<ByteBuffer, Value> e) -> e.getValue().expireAtMillis)
        .thenComparing(
            bug == PlantedBug.REVERSED_EXPIRY_TIE_BREAK ? byVersion.reversed() : byVersion)
        .thenComparing(byKey));
    int removed = 0;
    for (Map.Entry<ByteBuffer, Value> e : due.subList(0, Math.min(limit, due.size()))) {
      entries.remove(e.getKey());
      expirations++;
      removed++;
    }
    return removed;
  }

  private void dropIfExpired(byte[] key) {
    Value v = entries.get(ByteBuffer.wrap(key));
    if (v != null && v.expireAtMillis != 0 && v.expireAtMillis <= clockMillis) {
      entries.remove(ByteBuffer.wrap(key));
      expirations++;
    }
  }

  private WriteOutcome store(byte[] key, byte[] value, long ttl, long lease,
      boolean returnPrevious) {
    dropIfExpired(key);
    Value old = entries.get(ByteBuffer.wrap(key));
    long newBytes = accounted(key.length, value.length);
    long oldBytes = old == null ? 0 : accounted(key.length, old.value.length);
    if (settings.maxBytes() > 0 && newBytes > settings.maxBytes()) {
      return refused(Refusal.NO_SPACE);
    }
    if (settings.evictionPolicy() == EvictionPolicy.NOEVICTION) {
      if (old == null && settings.maxEntries() > 0 && entries.size() + 1 > settings.maxEntries()) {
        return refused(Refusal.NO_SPACE);
      }
      long added = newBytes - oldBytes;
      long limit = bug == PlantedBug.NOEVICTION_OFF_BY_ONE
          ? settings.maxBytes() - 1
          : settings.maxBytes();
      if (added > 0 && settings.maxBytes() > 0 && bytes() + added > limit) {
        return refused(Refusal.NO_SPACE);
      }
    }
    nextRevision();
    Optional<Entry> previous = returnPrevious && old != null
        ? Optional.of(entry(key, old))
        : Optional.empty();
    long createRevision = old == null ? revision : old.createRevision;
    long attachedTo = bug == PlantedBug.OVERWRITE_KEEPS_THE_OLD_LEASE && old != null
        && old.lease != 0 && lease != 0 ? old.lease : lease;
    entries.remove(ByteBuffer.wrap(key));
    entries.put(ByteBuffer.wrap(key.clone()), new Value(value.clone(), revision, createRevision,
        ttl > 0 ? clockMillis + ttl : 0, attachedTo));
    evictToFit();
    return new Stored(revision, createRevision, previous);
  }

  private long evictToFit() {
    if (settings.evictionPolicy() != EvictionPolicy.LRU) {
      return 0;
    }
    long evicted = 0;
    while ((settings.maxEntries() > 0 && entries.size() > settings.maxEntries())
        || (settings.maxBytes() > 0 && bytes() > settings.maxBytes())) {
      entries.remove(entries.keySet().iterator().next());
      evicted++;
    }
    evictions += evicted;
    return evicted;
  }

  private boolean holds(Expectation expected, byte[] key) {
    Value v = entries.get(ByteBuffer.wrap(key));
    if (expected instanceof Expectation.Absent) {
      return v == null;
    }
    if (v == null) {
      return false;
    }
    if (expected instanceof Expectation.VersionIs versionIs) {
      return v.version == versionIs.version();
    }
    return Arrays.equals(v.value, ((Expectation.ValueIs) expected).value());
  }

  private Optional<Refused> checkWrite(byte[] key, byte[] value, OptionalLong ttl) {
    if (key.length == 0) {
      return Optional.of(refused(Refusal.INVALID_ARGUMENT));
    }
    if (key.length > settings.maxKeyBytes()) {
      return Optional.of(refused(Refusal.KEY_TOO_LARGE));
    }
    if (value.length > settings.maxValueBytes()) {
      return Optional.of(refused(Refusal.VALUE_TOO_LARGE));
    }
    if (ttl.isPresent() && (ttl.getAsLong() < 0 || ttl.getAsLong() > Ttl.MAX_MILLIS)) {
      return Optional.of(refused(Refusal.INVALID_ARGUMENT));
    }
    return Optional.empty();
  }

  private static Optional<Refused> checkExpectation(Expectation expected) {
    return expected instanceof Expectation.VersionIs v && v.version() <= 0
        ? Optional.of(refused(Refusal.INVALID_ARGUMENT))
        : Optional.empty();
  }

  private Optional<Entry> current(byte[] key) {
    Value v = entries.get(ByteBuffer.wrap(key));
    return v == null ? Optional.empty() : Optional.of(entry(key, v));
  }

  private static Refused refused(Refusal reason) {
    return new Refused(reason, "");
  }

  private static Entry entry(byte[] key, Value v) {
    return new Entry(key.clone(), v.value.clone(), v.version, v.createRevision, v.expireAtMillis);
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static long accounted(int keyLength, int valueLength) {
    return (long) keyLength + valueLength + LruTtlMap.ENTRY_OVERHEAD_BYTES;
  }
}
