package io.pensieve.store;

import static io.pensieve.store.EntryTable.NONE;

import io.pensieve.api.Ttl;
import io.pensieve.store.ConfigureOutcome.Configured;
import io.pensieve.store.DeleteRangeOutcome.RangeDeleted;
import io.pensieve.store.WriteOutcome.CompareFailed;
import io.pensieve.store.WriteOutcome.Deleted;
import io.pensieve.store.WriteOutcome.NotFound;
import io.pensieve.store.WriteOutcome.Stored;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The replicated key-value map: LRU order, TTL expiry, capacity limits, revisions and
 * compare-and-set, as a pure function of the commands applied to it.
 *
 * <p>Determinism is the contract. Commands carry the leader's time stamp and the map reads no
 * clock, keeps no thread and draws no random number that affects its state, so replicas that
 * apply the same commands hold the same entries in the same order. Reads take the serving
 * node's time and never change anything.
 *
 * <ul>
 *   <li>Time: apply time is the largest stamp seen so far, so it never runs backwards when
 *       leadership moves to a node whose clock is behind.
 *   <li>TTL: a write with a TTL expires at apply time + TTL. Reads hide it from that instant on;
 *       every command then removes up to {@value #EXPIRED_REMOVED_PER_COMMAND} expired entries,
 *       and {@link #expire} removes more on demand.
 *   <li>LRU: writes and {@link #touch} make a key the most recently used; reads do not, range
 *       reads included (a scan must not reorder the cache).
 *   <li>Key order: keys are also kept in unsigned-byte order, for {@link #range},
 *       {@link #count} and {@link #deleteRange}. Ranges are {@code [key, rangeEnd)} as in etcd:
 *       an empty {@code rangeEnd} means {@code key} alone, a single zero byte means every key
 *       from {@code key} on, and {@code io.pensieve.api.KeyRanges.prefixEnd} gives the end of
 *       a prefix.
 *   <li>Capacity: entries are accounted as key + value + {@value #ENTRY_OVERHEAD_BYTES} bytes.
 *   <li>Revisions: every write and delete increments the revision; a key's version is the
 *       revision of its last write. A delete-range that deletes anything increments it once,
 *       for all its keys, and so does a group of writes run by {@link #atOneRevision} (a
 *       transaction). Evictions and expirations do not count as writes.
 * </ul>
 *
 * <p>Not thread-safe: the owner serialises commands against reads.
 */
public final class LruTtlMap {
  /** Accounted per entry on top of key and value bytes, whatever the JVM actually spends. */
  public static final int ENTRY_OVERHEAD_BYTES = 64;
  /** Expired entries each command removes before its own work. */
  public static final int EXPIRED_REMOVED_PER_COMMAND = 20;
  /** Most entries one {@link #expire} command removes. */
  public static final int EXPIRE_COMMAND_LIMIT = 10_000;

  private final EntryTable table;
  private final ExpiryQueue expiry;
  private RemovalListener removals = RemovalListener.NONE;
  private Settings settings;
  private boolean configured;
  private long revision;
  /** Inside {@link #atOneRevision}: its writes share one revision, taken by the first. */
  private boolean oneRevision;
  private boolean oneRevisionTaken;
  private long clockMillis;
  private long bytes;
  private long evictions;
  private long expirations;

  public LruTtlMap() {
    this(Settings.DEFAULTS);
  }

  public LruTtlMap(Settings settings) {
    this(MapState.initial(settings), 0, KeyOrder.LEAF_CAPACITY, KeyOrder.INNER_CAPACITY);
  }

  /**
   * A map whose key order has nodes of the given capacities (at least
   * {@value KeyOrder#MIN_CAPACITY}): tests use tiny ones so that a few keys split and merge
   * nodes. Behaves exactly as any other map.
   */
  static LruTtlMap withKeyOrderNodes(Settings settings, int leafCapacity, int innerCapacity) {
    return new LruTtlMap(MapState.initial(settings), 0, leafCapacity, innerCapacity);
  }

  private LruTtlMap(MapState state, int expectedEntries, int leafCapacity, int innerCapacity) {
    this.table = new EntryTable(
        KeyHasher.withRandomKey(), expectedEntries, leafCapacity, innerCapacity);
    this.expiry = new ExpiryQueue(this::compareKeys);
    this.settings = state.settings();
    this.configured = state.configured();
    this.revision = state.revision();
    this.clockMillis = state.clockMillis();
    this.evictions = state.evictions();
    this.expirations = state.expirations();
  }

  /**
   * Told of every key the map removes, whatever the cause: a delete, a delete-range, an expiry,
   * an eviction. Called during the command, in the map's deterministic removal order; it must
   * not call back into the map. An overwrite is no removal.
   */
  @FunctionalInterface
  public interface RemovalListener {
    RemovalListener NONE = key -> {};

    /** @param key a copy of the removed key, the listener's to keep */
    void removed(byte[] key);
  }

  /** Replaces the listener told of removals ({@link RemovalListener#NONE} to tell nobody). */
  public void onRemoval(RemovalListener listener) {
    this.removals = Objects.requireNonNull(listener, "listener");
  }

  // ---- reads: the serving node's clock, no change to the map ----

  /** Whether the map holds {@code key}, expired or not (for invariant checks). */
  public boolean holds(byte[] key) {
    return table.find(key) != NONE;
  }

  /** The entry under {@code key}, unless absent or expired at {@code nowMillis}. */
  public Optional<Entry> get(byte[] key, long nowMillis) {
    int slot = table.find(key);
    if (slot == NONE) {
      return Optional.empty();
    }
    long expireAt = expiry.expireAtMillis(slot);
    if (expireAt != 0 && expireAt <= nowMillis) {
      return Optional.empty();
    }
    return Optional.of(new EntryRecord.Layout().of(table.record(slot), expireAt).toEntry());
  }

  /**
   * The live entries with keys in {@code [key, rangeEnd)}, in key order, as one page: at most
   * {@code limit} entries (0 = no limit) whose keys and values add up to at most
   * {@code maxBytes} (0 = no budget), but always at least one if the range has any. Changes
   * nothing, LRU order included.
   *
   * @param rangeEnd empty = {@code key} alone; one zero byte = every key from {@code key} on;
   *     at or before {@code key} = nothing
   * @throws IllegalArgumentException if {@code limit} or {@code maxBytes} is negative
   */
  public RangeResult range(byte[] key, byte[] rangeEnd, int limit, long maxBytes, long nowMillis) {
    return range(key, rangeEnd, limit, maxBytes, false, nowMillis);
  }

  /**
   * As {@link #range}, with every value left empty and only keys counted against
   * {@code maxBytes}: etcd's keys_only.
   */
  public RangeResult rangeKeys(
      byte[] key, byte[] rangeEnd, int limit, long maxBytes, long nowMillis) {
    return range(key, rangeEnd, limit, maxBytes, true, nowMillis);
  }

  /**
   * How many live entries have keys in {@code [key, rangeEnd)}: etcd's count_only. Costs a
   * step per entry in the range, so callers bound how often they ask.
   */
  public long count(byte[] key, byte[] rangeEnd, long nowMillis) {
    long[] counted = {0};
    forEachSlotInRange(key, rangeEnd, slot -> {
      if (isLive(slot, nowMillis)) {
        counted[0]++;
      }
      return true;
    });
    return counted[0];
  }

  private RangeResult range(byte[] key, byte[] rangeEnd, int limit, long maxBytes,
      boolean keysOnly, long nowMillis) {
    if (limit < 0 || maxBytes < 0) {
      throw new IllegalArgumentException("limit " + limit + " and maxBytes " + maxBytes
          + " must not be negative");
    }
    List<Entry> page = new ArrayList<>();
    long[] pageBytes = {0};
    byte[][] next = {new byte[0]};
    EntryRecord.Layout entry = new EntryRecord.Layout();
    forEachSlotInRange(key, rangeEnd, slot -> {
      if (!isLive(slot, nowMillis)) {
        return true;
      }
      entry.of(table.record(slot), expiry.expireAtMillis(slot));
      long size = entry.keyLength() + (keysOnly ? 0 : (long) entry.valueLength());
      if ((limit > 0 && page.size() == limit)
          || (maxBytes > 0 && !page.isEmpty() && pageBytes[0] + size > maxBytes)) {
        next[0] = Arrays.copyOfRange(entry.buffer(), entry.keyOffset(),
            entry.keyOffset() + entry.keyLength());
        return false;
      }
      Entry copy = entry.toEntry();
      page.add(keysOnly ? new Entry(copy.key(), new byte[0], copy.version(),
          copy.createRevision(), copy.expireAtMillis()) : copy);
      pageBytes[0] += size;
      return true;
    });
    return new RangeResult(page, next[0].length > 0, next[0]);
  }

  /** Visits the slots of {@code [key, rangeEnd)} in key order, expired ones included. */
  private void forEachSlotInRange(byte[] key, byte[] rangeEnd, KeyOrder.SlotVisitor visitor) {
    if (rangeEnd.length == 0) {
      int slot = table.find(key);
      if (slot != NONE) {
        visitor.visit(slot);
      }
      return;
    }
    boolean toTheEnd = rangeEnd.length == 1 && rangeEnd[0] == 0;
    table.forEachInKeyOrderFrom(key, slot -> {
      if (!toTheEnd) {
        byte[] record = table.record(slot);
        int offset = EntryRecord.keyOffset(record);
        if (Arrays.compareUnsigned(record, offset, offset + EntryRecord.keyLength(record),
            rangeEnd, 0, rangeEnd.length) >= 0) {
          return false;
        }
      }
      return visitor.visit(slot);
    });
  }

  /** The unsigned-byte order of two slots' keys: ties in the expiry queue are broken by key. */
  private int compareKeys(int slotA, int slotB) {
    byte[] a = table.record(slotA);
    byte[] b = table.record(slotB);
    int offsetA = EntryRecord.keyOffset(a);
    int offsetB = EntryRecord.keyOffset(b);
    return Arrays.compareUnsigned(a, offsetA, offsetA + EntryRecord.keyLength(a),
        b, offsetB, offsetB + EntryRecord.keyLength(b));
  }

  private boolean isLive(int slot, long nowMillis) {
    long expireAt = expiry.expireAtMillis(slot);
    return expireAt == 0 || expireAt > nowMillis;
  }

  /** Whether some entry is due for removal at {@code nowMillis}: time for an Expire command. */
  public boolean hasExpiredEntries(long nowMillis) {
    return !expiry.isEmpty() && expiry.firstExpireAtMillis() <= nowMillis;
  }

  public int size() {
    return table.size();
  }

  /** Accounted bytes of all entries. */
  public long bytes() {
    return bytes;
  }

  public MapState state() {
    return new MapState(settings, configured, revision, clockMillis, evictions, expirations);
  }

  public Settings settings() {
    return settings;
  }

  /** Visits every entry, least recently used first, as a snapshot stores them. */
  public void forEachInLruOrder(EntryVisitor visitor) throws IOException {
    EntryRecord.Layout layout = new EntryRecord.Layout();
    for (int slot = table.oldest(); slot != NONE; slot = table.newer(slot)) {
      visitor.visit(layout.of(table.record(slot), expiry.expireAtMillis(slot)));
    }
  }

  /**
   * Checks that the map's parts agree, in time and memory linear in its capacity: the entry
   * table's index, LRU list and free list; every queued expiry belongs to a live, indexed entry
   * with the same version; the entry count and accounted bytes are what the entries add up to; every
   * version is no later than the revision and no earlier than its key's creation (versions
   * repeat only where one {@link #atOneRevision} group wrote several keys); and
   * under {@link EvictionPolicy#LRU} the map is within its limits.
   *
   * <p>For tests after every command; too slow for the apply path, and a snapshot load checks
   * only what the file decides ({@link Restorer}).
   *
   * @throws IllegalStateException naming the first disagreement found
   */
  public void checkInvariants() {
    table.checkInvariants();
    EntryRecord.Layout entry = new EntryRecord.Layout();
    expiry.checkInvariants((slot, expireAtMillis, version) -> {
      byte[] record = slot < 0 ? null : table.recordIfLive(slot);
      if (record == null || table.indexedSlotOfKeyIn(record) != slot) {
        throw broken("the expiry queue holds slot " + slot + ", which is no indexed entry");
      }
      if (expireAtMillis <= 0) {
        throw broken("slot " + slot + " is queued to expire at " + expireAtMillis);
      }
      if (entry.of(record, expireAtMillis).version() != version) {
        throw broken("slot " + slot + " is queued with version " + version + ", its entry has "
            + entry.version());
      }
    });
    long entries = 0;
    long accounted = 0;
    for (int slot = table.oldest(); slot != NONE; slot = table.newer(slot)) {
      entry.of(table.record(slot), expiry.expireAtMillis(slot));
      entries++;
      accounted += accountedBytes(entry.keyLength(), entry.valueLength());
      if (entry.version() > revision || entry.createRevision() < 1
          || entry.createRevision() > entry.version()) {
        throw broken("an entry has version " + entry.version() + " and create revision "
            + entry.createRevision() + " at store revision " + revision);
      }
    }
    if (entries != table.size() || accounted != bytes) {
      throw broken("entries add up to " + entries + " of " + accounted + " bytes, counted "
          + table.size() + " of " + bytes);
    }
    checkLimitsAndCounters(entries);
  }

  /** The checks of {@link #checkInvariants} on the map's totals, in constant time. */
  private void checkLimitsAndCounters(long entries) {
    if (settings.evictionPolicy() == EvictionPolicy.LRU
        && ((settings.maxEntries() > 0 && entries > settings.maxEntries())
            || (settings.maxBytes() > 0 && bytes > settings.maxBytes()))) {
      throw broken(entries + " entries of " + bytes + " bytes under lru with max_entries "
          + settings.maxEntries() + " and max_bytes " + settings.maxBytes());
    }
    if (revision < 0 || evictions < 0 || expirations < 0) {
      throw broken("negative revision " + revision + ", evictions " + evictions
          + " or expirations " + expirations);
    }
  }

  private static IllegalStateException broken(String what) {
    return new IllegalStateException("map invariant broken: " + what);
  }

  // ---- commands: stampMillis is the leader's time stamp of the log entry ----

  /**
   * Stores {@code value} under {@code key}.
   *
   * @param ttlMillis time to live; empty = the default TTL, 0 = never expires
   * @return {@link Stored} or {@link Refused}
   */
  public WriteOutcome put(
      byte[] key, byte[] value, OptionalLong ttlMillis, boolean returnPrevious, long stampMillis) {
    begin(stampMillis);
    Optional<Refused> invalid = checkWrite(key, value, ttlMillis);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    return store(findLive(key), key, value, resolveTtl(ttlMillis), returnPrevious);
  }

  /**
   * Stores {@code value} under {@code key} if {@code expected} holds.
   *
   * @return {@link Stored}, {@link CompareFailed} or {@link Refused}
   */
  public WriteOutcome compareAndSet(
      byte[] key,
      Expectation expected,
      byte[] value,
      OptionalLong ttlMillis,
      boolean returnPrevious,
      long stampMillis) {
    begin(stampMillis);
    Optional<Refused> invalid = checkWrite(key, value, ttlMillis).or(() -> check(expected));
    if (invalid.isPresent()) {
      return invalid.get();
    }
    int slot = findLive(key);
    if (!holds(expected, slot)) {
      return new CompareFailed(entryAt(slot));
    }
    return store(slot, key, value, resolveTtl(ttlMillis), returnPrevious);
  }

  /**
   * Removes {@code key}, if {@code expected} is empty or holds.
   *
   * @return {@link Deleted}, {@link NotFound}, {@link CompareFailed} or {@link Refused}
   */
  public WriteOutcome delete(
      byte[] key, Optional<Expectation> expected, boolean returnPrevious, long stampMillis) {
    begin(stampMillis);
    Optional<Refused> invalid = checkKey(key, Settings.KEY_BYTES_CEILING)
        .or(() -> expected.flatMap(LruTtlMap::check));
    if (invalid.isPresent()) {
      return invalid.get();
    }
    int slot = findLive(key);
    if (expected.isPresent() && !holds(expected.get(), slot)) {
      return new CompareFailed(entryAt(slot));
    }
    if (slot == NONE) {
      return new NotFound();
    }
    long deletedAt = nextRevision();
    Optional<Entry> previous = returnPrevious ? entryAt(slot) : Optional.empty();
    removeEntry(slot);
    return new Deleted(deletedAt, previous);
  }

  /**
   * Removes every live key in {@code [key, rangeEnd)} (see {@link #range} for the bounds), all
   * at one revision, unless more than {@code maxKeys} are live there: then it refuses and
   * deletes nothing. Entries in the range already past their expiry go too, as expirations.
   *
   * @param maxKeys the most live keys one command may delete, at least 1
   * @return {@link RangeDeleted} or {@link Refused}
   */
  public DeleteRangeOutcome deleteRange(byte[] key, byte[] rangeEnd, int maxKeys,
      boolean returnPrevious, long stampMillis) {
    begin(stampMillis);
    Optional<Refused> invalid = checkRangeBounds(key, rangeEnd, maxKeys);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    List<Integer> slots = new ArrayList<>();
    int[] live = {0};
    forEachSlotInRange(key, rangeEnd, slot -> {
      slots.add(slot);
      return !isLive(slot, clockMillis) || ++live[0] <= maxKeys;
    });
    if (live[0] > maxKeys) {
      return tooManyKeys(maxKeys).get();
    }
    if (live[0] > 0) {
      nextRevision();
    }
    List<Entry> previous = new ArrayList<>();
    for (int slot : slots) {
      if (isLive(slot, clockMillis)) {
        if (returnPrevious) {
          previous.add(layoutOf(slot).toEntry());
        }
      } else {
        expirations++;
      }
      removeEntry(slot);
    }
    return new RangeDeleted(revision, live[0], previous);
  }

  /**
   * Runs {@code writes} (calls of this map's commands) so that every write among them takes one
   * revision, the one after the store's, as etcd's transactions do: their changes are one
   * event. The revision is taken by the first write that changes something; if none does, the
   * store's revision stays. Inside, commands remove only the expired entries of the keys they
   * write: the bounded removal each command does first was done once, by {@link #checkWrites}.
   * The commands keep their own rules otherwise, refusals included, so a caller that needs all
   * or nothing checks the writes first with {@link #checkWrites}.
   *
   * @throws IllegalStateException if called inside another group
   */
  public <T> T atOneRevision(Supplier<T> writes) {
    if (oneRevision) {
      throw new IllegalStateException("writes at one revision do not nest");
    }
    oneRevision = true;
    oneRevisionTaken = false;
    try {
      return writes.get();
    } finally {
      oneRevision = false;
    }
  }

  /**
   * Which of the writes, applied in order at {@code stampMillis} inside {@link #atOneRevision},
   * would be refused, and why (key, value or TTL out of bounds; a delete-range over its
   * {@code maxKeys}; no room under {@link EvictionPolicy#NOEVICTION}, counted with the room the
   * earlier deletes free); empty if none would be. The writes must name disjoint keys. Changes
   * nothing but the clock and due expirations, as any command; the writes that follow inside
   * {@link #atOneRevision} remove no more expired entries than their own keys', so the answer
   * is exact.
   */
  public Optional<WriteRefused> checkWrites(List<PlannedWrite> writes, long stampMillis) {
    begin(stampMillis);
    long[] entries = {table.size()};
    long[] mapBytes = {bytes};
    for (int i = 0; i < writes.size(); i++) {
      Optional<Refused> refused = check(writes.get(i), entries, mapBytes);
      if (refused.isPresent()) {
        return Optional.of(new WriteRefused(i, refused.get()));
      }
    }
    return Optional.empty();
  }

  /** Checks a planned write against a map of {@code entries} and {@code mapBytes}; counts it in. */
  private Optional<Refused> check(PlannedWrite write, long[] entries, long[] mapBytes) {
    if (write instanceof PlannedWrite.DeleteRange range) {
      Optional<Refused> invalid = checkRangeBounds(range.key(), range.rangeEnd(), range.maxKeys());
      if (invalid.isPresent()) {
        return invalid;
      }
      int[] live = {0};
      long[] removedBytes = {0};
      int[] removed = {0};
      forEachSlotInRange(range.key(), range.rangeEnd(), slot -> {
        live[0] += isLive(slot, clockMillis) ? 1 : 0;
        removed[0]++;
        removedBytes[0] += accountedBytes(slot);
        // past the bound the range is refused: no need to count on
        return live[0] <= range.maxKeys();
      });
      if (live[0] > range.maxKeys()) {
        return tooManyKeys(range.maxKeys());
      }
      entries[0] -= removed[0];
      mapBytes[0] -= removedBytes[0];
      return Optional.empty();
    }
    byte[] key = write instanceof PlannedWrite.Put put ? put.key()
        : ((PlannedWrite.Delete) write).key();
    Optional<Refused> invalid = write instanceof PlannedWrite.Put put
        ? checkWrite(put.key(), put.value(), put.ttlMillis())
        : checkKey(key, Settings.KEY_BYTES_CEILING);
    if (invalid.isPresent()) {
      return invalid;
    }
    int slot = table.find(key);
    boolean present = slot != NONE && isLive(slot, clockMillis);
    long oldBytes = present ? accountedBytes(slot) : 0;
    if (slot != NONE && !present) {
      // the write's own lookup removes the expired entry first
      entries[0]--;
      mapBytes[0] -= accountedBytes(slot);
    }
    if (!(write instanceof PlannedWrite.Put put)) {
      if (present) {
        entries[0]--;
        mapBytes[0] -= oldBytes;
      }
      return Optional.empty();
    }
    long newBytes = accountedBytes(key.length, put.value().length);
    Optional<Refused> noRoom = checkRoom(entries[0], mapBytes[0], present ? 0 : 1, newBytes,
        newBytes - oldBytes);
    if (noRoom.isEmpty()) {
      entries[0] += present ? 0 : 1;
      mapBytes[0] += newBytes - oldBytes;
    }
    return noRoom;
  }

  /** Which write {@link #checkWrites} found refused: its index in the plan, and why. */
  public record WriteRefused(int index, Refused refused) {}

  /** A write {@link #checkWrites} checks, with the arguments its command takes. */
  @SuppressWarnings("ArrayRecordComponent") // a plan is checked, never compared
  public sealed interface PlannedWrite {
    record Put(byte[] key, byte[] value, OptionalLong ttlMillis) implements PlannedWrite {}

    record Delete(byte[] key) implements PlannedWrite {}

    record DeleteRange(byte[] key, byte[] rangeEnd, int maxKeys) implements PlannedWrite {}
  }

  private static Optional<Refused> checkRangeBounds(byte[] key, byte[] rangeEnd, int maxKeys) {
    if (key.length > Settings.KEY_BYTES_CEILING || rangeEnd.length > Settings.KEY_BYTES_CEILING) {
      return refuse(Refusal.KEY_TOO_LARGE, "range bounds of " + key.length + " and "
          + rangeEnd.length + " bytes; a bound may be at most " + Settings.KEY_BYTES_CEILING);
    }
    if (key.length == 0 && rangeEnd.length == 0) {
      return refuse(Refusal.INVALID_ARGUMENT, "key must not be empty");
    }
    if (maxKeys < 1) {
      return refuse(Refusal.INVALID_ARGUMENT, "max_keys must be at least 1, got " + maxKeys);
    }
    return Optional.empty();
  }

  private static Optional<Refused> tooManyKeys(int maxKeys) {
    return refuse(Refusal.INVALID_ARGUMENT, "the range holds more than max_delete_range_keys "
        + maxKeys + " live keys; delete it in smaller ranges");
  }

  /**
   * Removes every one of {@code keys} the map holds, the live ones all at one revision (the
   * keys of a revoked lease); keys it does not hold are skipped, entries already past their
   * expiry go as expirations.
   *
   * @return the revision the live keys were deleted at (the store's, unchanged, when none was)
   *     and how many there were
   */
  public RangeDeleted deleteKeys(List<byte[]> keys, long stampMillis) {
    begin(stampMillis);
    List<Integer> slots = new ArrayList<>(keys.size());
    int live = 0;
    for (byte[] key : keys) {
      int slot = table.find(key);
      if (slot != NONE) {
        slots.add(slot);
        if (isLive(slot, clockMillis)) {
          live++;
        }
      }
    }
    if (live > 0) {
      nextRevision();
    }
    for (int slot : slots) {
      if (!isLive(slot, clockMillis)) {
        expirations++;
      }
      removeEntry(slot);
    }
    return new RangeDeleted(revision, live, List.of());
  }

  /**
   * Moves apply time to {@code stampMillis} if that is later, and removes due expirations, as
   * every command does first: for commands of other parts of the store (leases).
   *
   * @return apply time, the largest stamp seen so far
   */
  public long advanceClock(long stampMillis) {
    begin(stampMillis);
    return clockMillis;
  }

  /** Makes the live ones among {@code keys} the most recently used, in order; returns how many. */
  public int touch(List<byte[]> keys, long stampMillis) {
    begin(stampMillis);
    int touched = 0;
    for (byte[] key : keys) {
      int slot = findLive(key);
      if (slot != NONE) {
        table.markMostRecentlyUsed(slot);
        touched++;
      }
    }
    return touched;
  }

  /** Removes up to {@code maxEntries} (at most {@value #EXPIRE_COMMAND_LIMIT}) expired entries. */
  public int expire(int maxEntries, long stampMillis) {
    clockMillis = Math.max(clockMillis, stampMillis);
    return removeExpired(Math.max(0, Math.min(maxEntries, EXPIRE_COMMAND_LIMIT)));
  }

  /**
   * Changes the settings, evicting at once under {@link EvictionPolicy#LRU} if they shrank.
   * Entries that broke a new key or value limit stay; only new writes are held to it.
   *
   * @param onlyIfUnconfigured apply only if no Configure command was ever applied
   * @return {@link Configured} or {@link Refused}
   */
  public ConfigureOutcome configure(
      SettingsUpdate update, boolean onlyIfUnconfigured, long stampMillis) {
    begin(stampMillis);
    if (onlyIfUnconfigured && configured) {
      return new Configured(false, settings, 0);
    }
    Settings next;
    try {
      next = update.applyTo(settings);
    } catch (IllegalArgumentException e) {
      return new Refused(Refusal.INVALID_ARGUMENT, e.getMessage());
    }
    boolean changed = !next.equals(settings);
    settings = next;
    configured = true;
    return new Configured(changed, settings, evictToFit());
  }

  // ---- internals ----

  /** The revision of a write: the next one, or inside {@link #atOneRevision} the group's. */
  private long nextRevision() {
    if (!oneRevision || !oneRevisionTaken) {
      revision++;
      oneRevisionTaken = oneRevision;
    }
    return revision;
  }

  private void begin(long stampMillis) {
    clockMillis = Math.max(clockMillis, stampMillis);
    if (!oneRevision) {
      // inside a group the check before it removed them, and counted on no more going
      removeExpired(EXPIRED_REMOVED_PER_COMMAND);
    }
  }

  private int removeExpired(int limit) {
    int removed = 0;
    while (removed < limit && hasExpiredEntries(clockMillis)) {
      removeEntry(expiry.firstSlot());
      expirations++;
      removed++;
    }
    return removed;
  }

  /** The slot of {@code key}; an entry past its expiry is removed first and not returned. */
  private int findLive(byte[] key) {
    int slot = table.find(key);
    if (slot != NONE) {
      long expireAt = expiry.expireAtMillis(slot);
      if (expireAt != 0 && expireAt <= clockMillis) {
        removeEntry(slot);
        expirations++;
        return NONE;
      }
    }
    return slot;
  }

  private WriteOutcome store(
      int slot, byte[] key, byte[] value, long ttlMillis, boolean returnPrevious) {
    long newBytes = accountedBytes(key.length, value.length);
    long oldBytes = slot == NONE ? 0 : accountedBytes(slot);
    Optional<Refused> noRoom = checkRoom(slot == NONE ? 1 : 0, newBytes, newBytes - oldBytes);
    if (noRoom.isPresent()) {
      return noRoom.get();
    }
    nextRevision();
    Optional<Entry> previous = returnPrevious ? entryAt(slot) : Optional.empty();
    long createRevision = slot == NONE ? revision : layoutOf(slot).createRevision();
    byte[] record = EntryRecord.encode(key, value, revision, createRevision);
    if (slot == NONE) {
      slot = table.insert(record);
    } else {
      table.replace(slot, record);
      table.markMostRecentlyUsed(slot);
      expiry.remove(slot);
    }
    if (ttlMillis > 0) {
      expiry.add(slot, clockMillis + ttlMillis, revision);
    }
    bytes += newBytes - oldBytes;
    evictToFit();
    return new Stored(revision, createRevision, previous);
  }

  private Optional<Refused> checkRoom(int addedEntries, long entryBytes, long addedBytes) {
    return checkRoom(table.size(), bytes, addedEntries, entryBytes, addedBytes);
  }

  /** Whether a write fits a map of {@code entries} and {@code mapBytes}; see {@link #store}. */
  private Optional<Refused> checkRoom(long entries, long mapBytes, int addedEntries,
      long entryBytes, long addedBytes) {
    if (settings.maxBytes() > 0 && entryBytes > settings.maxBytes()) {
      return refuse(Refusal.NO_SPACE, "entry needs " + entryBytes
          + " accounted bytes, more than max_bytes " + settings.maxBytes());
    }
    if (settings.evictionPolicy() != EvictionPolicy.NOEVICTION) {
      return Optional.empty();
    }
    if (addedEntries > 0 && settings.maxEntries() > 0
        && entries + addedEntries > settings.maxEntries()) {
      return refuse(Refusal.NO_SPACE, "max_entries " + settings.maxEntries()
          + " reached and the eviction policy is noeviction");
    }
    if (addedBytes > 0 && settings.maxBytes() > 0
        && mapBytes + addedBytes > settings.maxBytes()) {
      return refuse(Refusal.NO_SPACE, "max_bytes " + settings.maxBytes()
          + " reached and the eviction policy is noeviction");
    }
    return Optional.empty();
  }

  /** Under LRU, evicts least recently used entries until within limits; returns how many. */
  private long evictToFit() {
    if (settings.evictionPolicy() != EvictionPolicy.LRU) {
      return 0;
    }
    long evicted = 0;
    while ((settings.maxEntries() > 0 && table.size() > settings.maxEntries())
        || (settings.maxBytes() > 0 && bytes > settings.maxBytes())) {
      removeEntry(table.oldest());
      evicted++;
    }
    evictions += evicted;
    return evicted;
  }

  private void removeEntry(int slot) {
    if (removals != RemovalListener.NONE) {
      byte[] record = table.record(slot);
      int offset = EntryRecord.keyOffset(record);
      removals.removed(Arrays.copyOfRange(record, offset, offset + EntryRecord.keyLength(record)));
    }
    bytes -= accountedBytes(slot);
    expiry.remove(slot);
    table.remove(slot);
  }

  private boolean holds(Expectation expected, int slot) {
    if (expected instanceof Expectation.Absent) {
      return slot == NONE;
    }
    if (slot == NONE) {
      return false;
    }
    EntryRecord.Layout entry = layoutOf(slot);
    if (expected instanceof Expectation.VersionIs versionIs) {
      return entry.version() == versionIs.version();
    }
    byte[] value = ((Expectation.ValueIs) expected).value();
    return Arrays.equals(entry.buffer(), entry.valueOffset(), entry.buffer().length,
        value, 0, value.length);
  }

  private Optional<Entry> entryAt(int slot) {
    return slot == NONE ? Optional.empty() : Optional.of(layoutOf(slot).toEntry());
  }

  private EntryRecord.Layout layoutOf(int slot) {
    return new EntryRecord.Layout().of(table.record(slot), expiry.expireAtMillis(slot));
  }

  private long accountedBytes(int slot) {
    EntryRecord.Layout entry = layoutOf(slot);
    return accountedBytes(entry.keyLength(), entry.valueLength());
  }

  private static long accountedBytes(int keyLength, int valueLength) {
    return (long) keyLength + valueLength + ENTRY_OVERHEAD_BYTES;
  }

  private long resolveTtl(OptionalLong ttlMillis) {
    return ttlMillis.orElse(settings.defaultTtlMillis());
  }

  private Optional<Refused> checkWrite(byte[] key, byte[] value, OptionalLong ttlMillis) {
    Optional<Refused> invalid = checkKey(key, settings.maxKeyBytes());
    if (invalid.isPresent()) {
      return invalid;
    }
    if (value.length > settings.maxValueBytes()) {
      return refuse(Refusal.VALUE_TOO_LARGE, "value of " + value.length
          + " bytes is longer than max_value_bytes " + settings.maxValueBytes());
    }
    if (ttlMillis.isPresent()) {
      Optional<String> outOfRange = Ttl.checkMillis("ttl", ttlMillis.getAsLong());
      if (outOfRange.isPresent()) {
        return refuse(Refusal.INVALID_ARGUMENT, outOfRange.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<Refused> checkKey(byte[] key, int maxKeyBytes) {
    if (key.length == 0) {
      return refuse(Refusal.INVALID_ARGUMENT, "key must not be empty");
    }
    if (key.length > maxKeyBytes) {
      return refuse(Refusal.KEY_TOO_LARGE, "key of " + key.length
          + " bytes is longer than max_key_bytes " + maxKeyBytes);
    }
    return Optional.empty();
  }

  private static Optional<Refused> check(Expectation expected) {
    if (expected instanceof Expectation.VersionIs versionIs && versionIs.version() <= 0) {
      return refuse(Refusal.INVALID_ARGUMENT, "expected version must be positive, got "
          + versionIs.version() + "; to require that the key is absent, expect absence");
    }
    return Optional.empty();
  }

  private static Optional<Refused> refuse(Refusal reason, String message) {
    return Optional.of(new Refused(reason, message));
  }

  // ---- loading from a snapshot ----

  /** Starts rebuilding a map from a snapshot: its state, then its entries oldest first. */
  public static Restorer restorer(MapState state, int expectedEntries) {
    return new Restorer(new LruTtlMap(
        state, expectedEntries, KeyOrder.LEAF_CAPACITY, KeyOrder.INNER_CAPACITY));
  }

  /**
   * Rebuilds a map entry by entry, least recently used first. Refuses with
   * {@link IllegalArgumentException} what no sequence of commands could have produced.
   *
   * <p>Each entry is checked as it comes and the totals at the end; the entry table, LRU list,
   * key order and expiry queue are built here from checked entries, so a load does not walk
   * them again to check their structure (that walk reads every record in random order, and
   * took most of a million-entry load). Tests check a loaded map's full invariants.
   */
  public static final class Restorer {
    private final LruTtlMap map;

    private Restorer(LruTtlMap map) {
      this.map = map;
    }

    public void add(
        byte[] key, byte[] value, long version, long createRevision, long expireAtMillis) {
      add(key, 0, key.length, value, 0, value.length, version, createRevision, expireAtMillis);
    }

    /**
     * Adds the entry whose key is {@code keyLength} bytes of {@code keyBuffer} from
     * {@code keyOffset}, and likewise its value: a snapshot reader passes slices of its read
     * buffer, which are copied once, into the entry's record.
     */
    public void add(byte[] keyBuffer, int keyOffset, int keyLength, byte[] valueBuffer,
        int valueOffset, int valueLength, long version, long createRevision,
        long expireAtMillis) {
      if (keyLength == 0 || keyLength > Settings.KEY_BYTES_CEILING) {
        throw new IllegalArgumentException("key length " + keyLength + " out of range");
      }
      if (valueLength > Settings.VALUE_BYTES_CEILING) {
        throw new IllegalArgumentException("value length " + valueLength + " out of range");
      }
      if (createRevision < 1 || createRevision > version || version > map.revision) {
        throw new IllegalArgumentException("revisions out of order: createRevision="
            + createRevision + ", version=" + version + ", store revision=" + map.revision);
      }
      if (expireAtMillis < 0) {
        throw new IllegalArgumentException("negative expiry time " + expireAtMillis);
      }
      int slot = map.table.insertUnordered(EntryRecord.encode(keyBuffer, keyOffset, keyLength,
          valueBuffer, valueOffset, valueLength, version, createRevision));
      if (expireAtMillis != 0) {
        map.expiry.add(slot, expireAtMillis, version);
      }
      map.bytes += accountedBytes(keyLength, valueLength);
    }

    /**
     * The rebuilt map, once its keys proved distinct (the key order's sort), its size and
     * bytes match what the snapshot declared, and it is within its limits.
     */
    public LruTtlMap finish(long expectedEntries, long expectedBytes) {
      try {
        map.table.rebuildKeyOrder();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the snapshot holds a duplicate key", e);
      }
      if (map.size() != expectedEntries || map.bytes != expectedBytes) {
        throw new IllegalArgumentException("declared " + expectedEntries + " entries of "
            + expectedBytes + " bytes, found " + map.size() + " of " + map.bytes);
      }
      try {
        map.checkLimitsAndCounters(map.size());
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return map;
    }
  }
}
