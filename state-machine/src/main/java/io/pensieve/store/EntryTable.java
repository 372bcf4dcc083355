package io.pensieve.store;

import java.util.Arrays;

/**
 * Where the map's entries live: records in slots, a chained hash index from key to slot, an
 * intrusive doubly linked list of slots from least to most recently used, and the slots in key
 * order ({@link KeyOrder}).
 *
 * <p>Per-slot state sits in parallel arrays (a record reference and three ints), with no node
 * object per entry: about 16 bytes of bookkeeping per slot plus the bucket array, and about 4
 * more in the key order. All operations but those on the key order are O(1) apart from growth,
 * which doubles the arrays; those on the key order are O(log n).
 *
 * <p>Not thread-safe; the owner serialises writers against readers.
 */
final class EntryTable {
  static final int NONE = -1;
  private static final int MIN_CAPACITY = 16;

  private final KeyHasher hasher;
  private final KeyOrder keyOrder;

  private byte[][] records;
  private int[] lruPrev;
  private int[] lruNext;
  /** Next slot in the same hash bucket; for a free slot, the next free slot. */
  private int[] chainNext;
  private int[] buckets;

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
    this.keyOrder = new KeyOrder(slot -> records[slot], leafCapacity, innerCapacity);
    int capacity = Math.max(MIN_CAPACITY, expectedEntries);
    records = new byte[capacity][];
    lruPrev = new int[capacity];
    lruNext = new int[capacity];
    chainNext = new int[capacity];
    buckets = newBuckets(bucketCountFor(capacity));
  }

  int size() {
    return size;
  }

  byte[] record(int slot) {
    return records[slot];
  }

  /** The record in {@code slot}, or null if the slot is free or was never used. */
  byte[] recordIfLive(int slot) {
    return slot < highWater ? records[slot] : null;
  }

  /** The slot holding {@code key}, or {@link #NONE}. */
  int find(byte[] key) {
    int bucket = hasher.hash(key, 0, key.length) & (buckets.length - 1);
    for (int slot = buckets[bucket]; slot != NONE; slot = chainNext[slot]) {
      if (EntryRecord.keyEquals(records[slot], key)) {
        return slot;
      }
    }
    return NONE;
  }

  /** Stores a record whose key is not present, as the most recently used entry. */
  int insert(byte[] record) {
    int slot = insertUnordered(record);
    keyOrder.add(slot);
    return slot;
  }

  /**
   * As {@link #insert}, leaving the key order stale until {@link #rebuildKeyOrder}: for loading
   * a snapshot, where one sort of all the keys builds the key order with full leaves.
   */
  int insertUnordered(byte[] record) {
    if (size >= buckets.length) {
      rehash(buckets.length * 2);
    }
    int slot = allocateSlot();
    records[slot] = record;
    int bucket = bucketOf(record);
    chainNext[slot] = buckets[bucket];
    buckets[bucket] = slot;
    linkNewest(slot);
    size++;
    return slot;
  }

  /** Replaces the record in {@code slot} with one for the same key. */
  void replace(int slot, byte[] record) {
    records[slot] = record;
  }

  void remove(int slot) {
    keyOrder.remove(slot);
    int bucket = bucketOf(records[slot]);
    if (buckets[bucket] == slot) {
      buckets[bucket] = chainNext[slot];
    } else {
      int before = buckets[bucket];
      while (chainNext[before] != slot) {
        before = chainNext[before];
      }
      chainNext[before] = chainNext[slot];
    }
    unlink(slot);
    records[slot] = null;
    chainNext[slot] = freeHead;
    freeHead = slot;
    size--;
  }

  void markMostRecentlyUsed(int slot) {
    if (slot != lruNewest) {
      unlink(slot);
      linkNewest(slot);
    }
  }

  /** Rebuilds the key order from every live slot, packed full. */
  void rebuildKeyOrder() {
    int[] live = new int[size];
    int n = 0;
    for (int slot = lruOldest; slot != NONE && n < size; slot = lruNext[slot]) {
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
    return lruNext[slot];
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
    // the index first, so that the lookups below cannot run around a cycle in a bucket chain
    int indexed = 0;
    for (int bucket = 0; bucket < buckets.length; bucket++) {
      for (int slot = buckets[bucket]; slot != NONE; slot = chainNext[slot]) {
        if (++indexed > size) {
          throw broken("the index holds more than the " + size + " entries counted, or a cycle");
        }
        if (slot < 0 || slot >= highWater || records[slot] == null) {
          throw broken("bucket " + bucket + " chains slot " + slot + ", which holds no entry");
        }
        if (bucketOf(records[slot]) != bucket) {
          throw broken("bucket " + bucket + " chains slot " + slot + ", whose key hashes elsewhere");
        }
      }
    }
    if (indexed != size) {
      throw broken("the index holds " + indexed + " entries, " + size + " counted");
    }
    int linked = 0;
    int previous = NONE;
    for (int slot = lruOldest; slot != NONE; slot = lruNext[slot]) {
      if (++linked > size) {
        throw broken("the LRU list holds more than the " + size + " entries counted, or a cycle");
      }
      if (slot < 0 || slot >= highWater || records[slot] == null) {
        throw broken("the LRU list links slot " + slot + ", which holds no entry");
      }
      if (lruPrev[slot] != previous) {
        throw broken("LRU slot " + slot + " links back to " + lruPrev[slot] + ", not " + previous);
      }
      if (indexedSlotOfKeyIn(records[slot]) != slot) {
        throw broken("LRU slot " + slot + " is not where the index finds its key");
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
    keyOrder.checkInvariants(size, slot -> slot >= 0 && slot < highWater && records[slot] != null);
    int free = 0;
    for (int slot = freeHead; slot != NONE; slot = chainNext[slot]) {
      if (++free > highWater - size || records[slot] != null) {
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
    int offset = EntryRecord.keyOffset(record);
    int length = EntryRecord.keyLength(record);
    for (int slot = buckets[bucketOf(record)]; slot != NONE; slot = chainNext[slot]) {
      byte[] other = records[slot];
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

  private int allocateSlot() {
    if (freeHead != NONE) {
      int slot = freeHead;
      freeHead = chainNext[slot];
      return slot;
    }
    if (highWater == records.length) {
      growSlots(records.length * 2);
    }
    return highWater++;
  }

  private void linkNewest(int slot) {
    lruPrev[slot] = lruNewest;
    lruNext[slot] = NONE;
    if (lruNewest == NONE) {
      lruOldest = slot;
    } else {
      lruNext[lruNewest] = slot;
    }
    lruNewest = slot;
  }

  private void unlink(int slot) {
    int prev = lruPrev[slot];
    int next = lruNext[slot];
    if (prev == NONE) {
      lruOldest = next;
    } else {
      lruNext[prev] = next;
    }
    if (next == NONE) {
      lruNewest = prev;
    } else {
      lruPrev[next] = prev;
    }
  }

  private int bucketOf(byte[] record) {
    int hash = hasher.hash(record, EntryRecord.keyOffset(record), EntryRecord.keyLength(record));
    return hash & (buckets.length - 1);
  }

  private void growSlots(int capacity) {
    records = Arrays.copyOf(records, capacity);
    lruPrev = Arrays.copyOf(lruPrev, capacity);
    lruNext = Arrays.copyOf(lruNext, capacity);
    chainNext = Arrays.copyOf(chainNext, capacity);
  }

  private void rehash(int bucketCount) {
    buckets = newBuckets(bucketCount);
    for (int slot = lruOldest; slot != NONE; slot = lruNext[slot]) {
      int bucket = bucketOf(records[slot]);
      chainNext[slot] = buckets[bucket];
      buckets[bucket] = slot;
    }
  }

  /** The smallest power of two that holds {@code entries} at a load factor of one. */
  private static int bucketCountFor(int entries) {
    return Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, entries - 1)) << 1);
  }

  private static int[] newBuckets(int count) {
    int[] buckets = new int[count];
    Arrays.fill(buckets, NONE);
    return buckets;
  }
}
