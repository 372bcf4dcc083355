package io.pensieve.store;

import java.util.Arrays;
import java.util.function.IntBinaryOperator;

/**
 * The slots of entries that expire, in a binary min-heap ordered by expiry time, then by
 * version, then by key (several keys share a version when one transaction wrote them). Keys are
 * unique, so the order is total: replicas that built
 * their heaps differently (one by applying the log, one by loading a snapshot) still expire
 * entries in the same order, which bounded expiry work per command depends on.
 *
 * <p>An index from slot to heap position makes removal of any entry O(log n).
 */
final class ExpiryQueue {
  private static final int NONE = EntryTable.NONE;
  private static final int MIN_CAPACITY = 16;

  private int[] heapSlots = new int[MIN_CAPACITY];
  private long[] heapExpireAt = new long[MIN_CAPACITY];
  private long[] heapVersions = new long[MIN_CAPACITY];
  private int size;
  /** Heap position of each slot, or NONE; slots past its end are not queued. */
  private int[] positionOfSlot = new int[0];
  /** The unsigned-byte order of two slots' keys. */
  private final IntBinaryOperator keyOrder;

  ExpiryQueue(IntBinaryOperator keyOrder) {
    this.keyOrder = keyOrder;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The slot that expires first; the queue must not be empty. */
  int firstSlot() {
    return heapSlots[0];
  }

  /** When the first entry expires; the queue must not be empty. */
  long firstExpireAtMillis() {
    return heapExpireAt[0];
  }

  /** When {@code slot} expires, or 0 if it is not queued. */
  long expireAtMillis(int slot) {
    int position = positionOf(slot);
    return position == NONE ? 0 : heapExpireAt[position];
  }

  void add(int slot, long expireAtMillis, long version) {
    if (size == heapSlots.length) {
      int capacity = size * 2;
      heapSlots = Arrays.copyOf(heapSlots, capacity);
      heapExpireAt = Arrays.copyOf(heapExpireAt, capacity);
      heapVersions = Arrays.copyOf(heapVersions, capacity);
    }
    ensureSlotIndexed(slot);
    place(size, slot, expireAtMillis, version);
    size++;
    siftUp(size - 1);
  }

  /** Removes {@code slot} if it is queued. */
  void remove(int slot) {
    int position = positionOf(slot);
    if (position == NONE) {
      return;
    }
    positionOfSlot[slot] = NONE;
    size--;
    if (position == size) {
      return;
    }
    place(position, heapSlots[size], heapExpireAt[size], heapVersions[size]);
    siftDown(position);
    siftUp(position);
  }

  /** What the queue holds for one entry, for checks against the entry table. */
  @FunctionalInterface
  interface QueuedEntryCheck {
    void check(int slot, long expireAtMillis, long version);
  }

  /**
   * Checks in O(n) that the heap is ordered, that the slot index and the heap point at each
   * other, and hands every queued entry to {@code entry} for checks against the table.
   *
   * @throws IllegalStateException naming the first disagreement found
   */
  void checkInvariants(QueuedEntryCheck entry) {
    for (int position = 0; position < size; position++) {
      int slot = heapSlots[position];
      if (positionOf(slot) != position) {
        throw broken("heap position " + position + " holds slot " + slot
            + ", which the index places at " + positionOf(slot));
      }
      if (position > 0 && before(position, (position - 1) >>> 1)) {
        throw broken("heap position " + position + " comes before its parent");
      }
      entry.check(slot, heapExpireAt[position], heapVersions[position]);
    }
    int indexed = 0;
    for (int position : positionOfSlot) {
      if (position != NONE) {
        indexed++;
      }
    }
    if (indexed != size) {
      throw broken("the index places " + indexed + " slots, the heap holds " + size);
    }
  }

  private static IllegalStateException broken(String what) {
    return new IllegalStateException("expiry queue invariant broken: " + what);
  }

  private int positionOf(int slot) {
    return slot < positionOfSlot.length ? positionOfSlot[slot] : NONE;
  }

  private void ensureSlotIndexed(int slot) {
    if (slot >= positionOfSlot.length) {
      int previous = positionOfSlot.length;
      int capacity = Math.max(MIN_CAPACITY, Math.max(slot + 1, previous * 2));
      positionOfSlot = Arrays.copyOf(positionOfSlot, capacity);
      Arrays.fill(positionOfSlot, previous, capacity, NONE);
    }
  }

  private void place(int position, int slot, long expireAtMillis, long version) {
    heapSlots[position] = slot;
    heapExpireAt[position] = expireAtMillis;
    heapVersions[position] = version;
    positionOfSlot[slot] = position;
  }

  private boolean before(int a, int b) {
    if (heapExpireAt[a] != heapExpireAt[b]) {
      return heapExpireAt[a] < heapExpireAt[b];
    }
    if (heapVersions[a] != heapVersions[b]) {
      return heapVersions[a] < heapVersions[b];
    }
    return keyOrder.applyAsInt(heapSlots[a], heapSlots[b]) < 0;
  }

  private void swap(int a, int b) {
    int slotA = heapSlots[a];
    long expireA = heapExpireAt[a];
    long versionA = heapVersions[a];
    place(a, heapSlots[b], heapExpireAt[b], heapVersions[b]);
    place(b, slotA, expireA, versionA);
  }

  private void siftUp(int position) {
    while (position > 0) {
      int parent = (position - 1) >>> 1;
      if (!before(position, parent)) {
        return;
      }
      swap(position, parent);
      position = parent;
    }
  }

  private void siftDown(int position) {
    while (true) {
      int left = 2 * position + 1;
      if (left >= size) {
        return;
      }
      int right = left + 1;
      int smaller = right < size && before(right, left) ? right : left;
      if (!before(smaller, position)) {
        return;
      }
      swap(position, smaller);
      position = smaller;
    }
  }
}
