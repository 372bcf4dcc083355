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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The map's rules written as plainly as possible, to check {@link LruTtlMap} against: a
 * {@link LinkedHashMap} in LRU order, full scans for expiry and byte counts, a sort of all keys
 * for every range, no index of any kind. Refusals carry no message; compare reasons only.
 */
final class ReferenceModel {
  /**
   * Mistakes to build into the model on purpose, so that a test can show that the property
   * tests notice when the map and the model disagree on each of these rules.
   */
  enum PlantedBug {
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
    TXN_REFUSAL_KEEPS_EARLIER_WRITES
  }

  @SuppressWarnings("ArrayRecordComponent") // never compared: the model compares its fields
  private record Value(byte[] value, long version, long createRevision, long expireAtMillis) {}

  private final PlantedBug bug;
  private final LinkedHashMap<ByteBuffer, Value> entries = new LinkedHashMap<>();
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

  ReferenceModel() {
    this(PlantedBug.NONE);
  }

  ReferenceModel(PlantedBug bug) {
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

  WriteOutcome put(byte[] key, byte[] value, OptionalLong ttl, boolean returnPrevious, long stamp) {
    begin(stamp);
    Optional<Refused> invalid = checkWrite(key, value, ttl);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    return store(key, value, ttl.orElse(settings.defaultTtlMillis()), returnPrevious);
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
    return store(key, value, ttl.orElse(settings.defaultTtlMillis()), returnPrevious);
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
   * A transaction of puts, deletes and delete-ranges, the plain way: the expired entries due
   * are removed once, then the writes run one by one on the live state, each at the one
   * revision after the store's; if one is refused, the state saved before the first is put
   * back whole.
   */
  Programs.TxnAnswer txn(List<Programs.Step> writes, long stamp) {
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
      for (int i = 0; i < writes.size(); i++) {
        Object outcome = write(writes.get(i));
        if (outcome instanceof Refused refused) {
          if (bug != PlantedBug.TXN_REFUSAL_KEEPS_EARLIER_WRITES) {
            entries.clear();
            entries.putAll(savedEntries);
            revision = savedRevision;
            evictions = savedEvictions;
            expirations = savedExpirations;
          }
          return Programs.TxnAnswer.refused(i, refused);
        }
        outcomes.add(outcome);
      }
    } finally {
      txnRevision = 0;
      inTxn = false;
    }
    return Programs.TxnAnswer.applied(outcomes);
  }

  /** One write of a transaction, at the clock the transaction began at. */
  private Object write(Programs.Step write) {
    if (write instanceof Programs.Put p) {
      return put(p.key(), p.value(), p.ttl(), p.prev(), clockMillis);
    } else if (write instanceof Programs.Delete d) {
      return delete(d.key(), Optional.empty(), d.prev(), clockMillis);
    }
    Programs.DeleteRange d = (Programs.DeleteRange) write;
    return deleteRange(d.key(), d.rangeEnd(), d.maxKeys(), d.prev(), clockMillis);
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

  private WriteOutcome store(byte[] key, byte[] value, long ttl, boolean returnPrevious) {
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
    entries.remove(ByteBuffer.wrap(key));
    entries.put(ByteBuffer.wrap(key.clone()),
        new Value(value.clone(), revision, createRevision, ttl > 0 ? clockMillis + ttl : 0));
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
