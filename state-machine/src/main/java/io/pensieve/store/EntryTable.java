package io.pensieve.store;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Where the map's entries live: records in slots, a chained hash index from key to slot, an
 * intrusive doubly linked list of slots from least to most recently used, and the slots in key
 * order ({@link KeyOrder}).
 *
 * <p>Per-slot state sits in parallel arrays (a record reference and three ints), with no node
 * object per entry: 16 bytes of bookkeeping per slot plus the bucket array, and about 4 more in
 * the key order. The arrays grow a page at a time ({@link SlotPages}), so a large table wastes
 * at most a page of each. All operations but those on the key order are O(1) apart from growth;
 * those on the key order are O(log n).
 *
 * <p>Not thread-safe; the owner serialises writers against readers.
 */
final class EntryTable {
  static final int NONE = -1;
  private static final int MIN_CAPACITY = 16;

  private final KeyHasher hasher;
  private final KeyOrder keyOrder;

  private final SlotPages.Records records;
  private final SlotPages.Ints lruPrev;
  private final SlotPages.Ints lruNext;
  /** Next slot in the same hash bucket; for a free slot, the next free slot. */
  private final SlotPages.Ints chainNext;
  private SlotPages.Ints buckets;
  /** The bucket count, a power of two, less one. */
  private int bucketMask;

  private int lruOldest = NONE;
  private int lruNewest = NONE;
  private int freeHead = NONE;
  /** Slots at or above this have never been used. */
  private int highWater;
  private int size;

  EntryTable(KeyHasher hasher, int expectedEntries) {
    this(hasher, expectedEntries, KeyOrder.LEAF_CAPACITY, KeyOrder.INNER_CAPACITY);
  }

  /** With key order nodes of the given capacities; small ones make tests split and merge. */
  EntryTable(KeyHasher hasher, int expectedEntries, int leafCapacity, int innerCapacity) {
    this.hasher = hasher;
    this.keyOrder = new KeyOrder(this::record, leafCapacity, innerCapacity);
    int capacity = Math.max(MIN_CAPACITY, expectedEntries);
    records = new SlotPages.Records(capacity);
    lruPrev = new SlotPages.Ints(capacity, 0);
    lruNext = new SlotPages.Ints(capacity, 0);
    chainNext = new SlotPages.Ints(capacity, 0);
    setBuckets(bucketCountFor(capacity));
  }

  int size() {
    return size;
  }

  byte[] record(int slot) {
    return records.get(slot);
  }

  /** The record in {@code slot}, or null if the slot is free or was never used. */
  byte[] recordIfLive(int slot) {
    return slot < highWater ? records.get(slot) : null;
  }

  /** The slot holding {@code key}, or {@link #NONE}. */
  int find(byte[] key) {
    int bucket = hasher.hash(key, 0, key.length) & bucketMask;
    for (int slot = buckets.get(bucket); slot != NONE; slot = chainNext.get(slot)) {
      if (EntryRecord.keyEquals(records.get(slot), key)) {
        return slot;
      }
    }
    return NONE;
  }

  /** Stores a record whose key is not present, as the most recently used entry. */
  int insert(byte[] record) {
    if (size > bucketMask) {
      rehash((bucketMask + 1) * 2);
    }
    int slot = link(allocateSlot(), record, bucketOf(record));
    keyOrder.add(slot);
    return slot;
  }

  /**
   * As {@link #insert}, leaving the key order stale until {@link #rebuildKeyOrder}, and without
   * looking for the key first: for loading a snapshot, where one sort of all the keys builds
   * the key order with full leaves and refuses a key that came twice. Looking each key up here
   * would read a random earlier record per insertion, most of a large load's time.
   */
  int insertUnordered(byte[] record) {
    if (size > bucketMask) {
      rehash((bucketMask + 1) * 2);
    }
    return link(allocateSlot(), record, bucketOf(record));
  }

  /** Replaces the record in {@code slot} with one for the same key. */
  void replace(int slot, byte[] record) {
    records.set(slot, record);
  }

  void remove(int slot) {
    keyOrder.remove(slot);
    int bucket = bucketOf(records.get(slot));
    if (buckets.get(bucket) == slot) {
      buckets.set(bucket, chainNext.get(slot));
    } else {
      int before = buckets.get(bucket);
      while (chainNext.get(before) != slot) {
        before = chainNext.get(before);
      }
      chainNext.set(before, chainNext.get(slot));
    }
    unlink(slot);
    records.set(slot, null);
    chainNext.set(slot, freeHead);
    freeHead = slot;
    size--;
  }

  void markMostRecentlyUsed(int slot) {
    if (slot != lruNewest) {
      unlink(slot);
      linkNewest(slot);
    }
  }

  /**
   * Rebuilds the key order from every live slot, packed full.
   *
   * @throws IllegalArgumentException if two slots hold the same key
   */
  void rebuildKeyOrder() {
    int[] live = new int[size];
    int n = 0;
    for (int slot = lruOldest; slot != NONE && n < size; slot = lruNext.get(slot)) {
      live[n++] = slot;
    }
    keyOrder.rebuild(live, n);
  }

  /**
   * Visits live slots in unsigned-byte order of their keys, from the first key at or after
   * {@code key}, until the visitor returns false; returns false if it stopped the walk.
   */
  boolean forEachInKeyOrderFrom(byte[] key, KeyOrder.SlotVisitor visitor) {
    return keyOrder.forEachFrom(key, visitor);
  }

  /** The least recently used slot, or {@link #NONE} when empty. */
  int oldest() {
    return lruOldest;
  }

  /** The slot used next after {@code slot}, or {@link #NONE} for the newest. */
  int newer(int slot) {
    return lruNext.get(slot);
  }

  /**
   * Checks in O(capacity) that the index, the LRU list, the key order and the free list agree:
   * every live slot is linked both ways in one acyclic list from oldest to newest, sits in the
   * bucket of its key's hash, is in the key order, and is counted once; the key order holds
   * exactly the live slots, in strictly increasing key order; every other slot below the high
   * water mark is free.
   *
   * @throws IllegalStateException naming the first disagreement found
   */
  void checkInvariants() {
    // the index first, so that the walks below cannot run around a cycle in a bucket chain
    int indexed = 0;
    BitSet chained = new BitSet(highWater);
    for (int bucket = 0; bucket <= bucketMask; bucket++) {
      for (int slot = buckets.get(bucket); slot != NONE; slot = chainNext.get(slot)) {
        if (++indexed > size) {
          throw broken("the index holds more than the " + size + " entries counted, or a cycle");
        }
        if (slot < 0 || slot >= highWater || records.get(slot) == null) {
          throw broken("bucket " + bucket + " chains slot " + slot + ", which holds no entry");
        }
        chained.set(slot);
        if (bucketOf(records.get(slot)) != bucket) {
          throw broken("bucket " + bucket + " chains slot " + slot + ", whose key hashes elsewhere");
        }
      }
    }
    if (indexed != size) {
      throw broken("the index holds " + indexed + " entries, " + size + " counted");
    }
    int linked = 0;
    int previous = NONE;
    for (int slot = lruOldest; slot != NONE; slot = lruNext.get(slot)) {
      if (++linked > size) {
        throw broken("the LRU list holds more than the " + size + " entries counted, or a cycle");
      }
      if (slot < 0 || slot >= highWater || records.get(slot) == null) {
        throw broken("the LRU list links slot " + slot + ", which holds no entry");
      }
      if (lruPrev.get(slot) != previous) {
        throw broken("LRU slot " + slot + " links back to " + lruPrev.get(slot) + ", not "
            + previous);
      }
      // chained in its key's bucket; with the counts equal and the keys distinct (the key
      // order checks that below), the index finds it there, without hashing its key again
      if (!chained.get(slot)) {
        throw broken("LRU slot " + slot + " is in no bucket's chain");
      }
      previous = slot;
    }
    if (linked != size) {
      throw broken("the LRU list holds " + linked + " entries, " + size + " counted");
    }
    if (lruNewest != previous) {
      throw broken("the newest entry is slot " + lruNewest + ", the list ends at " + previous);
    }
    // live slots with strictly increasing keys, as many as there are live slots: exactly the
    // live slots, without a hash lookup each (the LRU check above did those)
    keyOrder.checkInvariants(
        size, slot -> slot >= 0 && slot < highWater && records.get(slot) != null);
    int free = 0;
    for (int slot = freeHead; slot != NONE; slot = chainNext.get(slot)) {
      if (++free > highWater - size || records.get(slot) != null) {
        throw broken("the free list reaches slot " + slot + ", which is in use, or cycles");
      }
    }
    if (free != highWater - size) {
      throw broken(free + " free slots listed, " + (highWater - size) + " unused below "
          + highWater);
    }
  }

  /** The slot the index finds for the key of {@code record}, or {@link #NONE}. */
  int indexedSlotOfKeyIn(byte[] record) {
    return chainedSlotOfKeyIn(buckets.get(bucketOf(record)), record);
  }

  /** The slot in the chain from {@code first} that holds the key of {@code record}, or NONE. */
  private int chainedSlotOfKeyIn(int first, byte[] record) {
    int offset = EntryRecord.keyOffset(record);
    int length = EntryRecord.keyLength(record);
    for (int slot = first; slot != NONE; slot = chainNext.get(slot)) {
      byte[] other = records.get(slot);
      int otherOffset = EntryRecord.keyOffset(other);
      if (EntryRecord.keyLength(other) == length && Arrays.equals(
          other, otherOffset, otherOffset + length, record, offset, offset + length)) {
        return slot;
      }
    }
    return NONE;
  }

  private static IllegalStateException broken(String what) {
    return new IllegalStateException("entry table invariant broken: " + what);
  }

  /** Puts {@code record} in a fresh slot, at the head of its bucket's chain, newest in LRU. */
  private int link(int slot, byte[] record, int bucket) {
    records.set(slot, record);
    chainNext.set(slot, buckets.get(bucket));
    buckets.set(bucket, slot);
    linkNewest(slot);
    size++;
    return slot;
  }

  private int allocateSlot() {
    if (freeHead != NONE) {
      int slot = freeHead;
      freeHead = chainNext.get(slot);
      return slot;
    }
    if (highWater == records.capacity()) {
      growSlots(highWater + 1);
    }
    return highWater++;
  }

  private void linkNewest(int slot) {
    lruPrev.set(slot, lruNewest);
    lruNext.set(slot, NONE);
    if (lruNewest == NONE) {
      lruOldest = slot;
    } else {
      lruNext.set(lruNewest, slot);
    }
    lruNewest = slot;
  }

  private void unlink(int slot) {
    int prev = lruPrev.get(slot);
    int next = lruNext.get(slot);
    if (prev == NONE) {
      lruOldest = next;
    } else {
      lruNext.set(prev, next);
    }
    if (next == NONE) {
      lruNewest = prev;
    } else {
      lruPrev.set(next, prev);
    }
  }

  private int bucketOf(byte[] record) {
    int hash = hasher.hash(record, EntryRecord.keyOffset(record), EntryRecord.keyLength(record));
    return hash & bucketMask;
  }

  private void growSlots(int needed) {
    records.grow(needed);
    lruPrev.grow(needed);
    lruNext.grow(needed);
    chainNext.grow(needed);
  }

  private void rehash(int bucketCount) {
    setBuckets(bucketCount);
    for (int slot = lruOldest; slot != NONE; slot = lruNext.get(slot)) {
      int bucket = bucketOf(records.get(slot));
      chainNext.set(slot, buckets.get(bucket));
      buckets.set(bucket, slot);
    }
  }

  /** The smallest power of two that holds {@code entries} at a load factor of one. */
  private static int bucketCountFor(int entries) {
    return Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, entries - 1)) << 1);
  }

  private void setBuckets(int count) {
    buckets = new SlotPages.Ints(count, NONE);
    bucketMask = count - 1;
  }
}
