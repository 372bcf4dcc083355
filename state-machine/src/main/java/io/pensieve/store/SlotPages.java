package io.pensieve.store;

import java.util.Arrays;

/**
 * Per-slot arrays that grow a page at a time instead of doubling: an int array and a record
 * array, each indexed by slot.
 *
 * <p>A doubled array wastes up to half its length, and an array of a million slots is a
 * "humongous" object to G1, which rounds it up to whole heap regions (a region is 1 to 32 MB):
 * together they cost a million-entry map about ten bytes per entry. Pages of
 * {@value #PAGE_SLOTS} slots stay far below half the smallest region, growth copies no slot,
 * and at most one page per array lies unused. Below one page an array still grows by doubling,
 * so small maps stay small.
 */
final class SlotPages {
  static final int PAGE_SHIFT = 15;
  static final int PAGE_SLOTS = 1 << PAGE_SHIFT;
  private static final int PAGE_MASK = PAGE_SLOTS - 1;

  private SlotPages() {}

  /** The capacity that holds {@code needed} slots, growing from {@code capacity}. */
  static int grownCapacity(int capacity, int needed) {
    if (needed <= capacity) {
      return capacity;
    }
    if (needed <= PAGE_SLOTS) {
      return Math.min(PAGE_SLOTS, Math.max(needed, capacity * 2));
    }
    return (int) Math.min(Integer.MAX_VALUE & ~PAGE_MASK,
        ((long) needed + PAGE_MASK) & ~(long) PAGE_MASK);
  }

  private static int pageCount(int capacity) {
    return (capacity + PAGE_MASK) >>> PAGE_SHIFT;
  }

  /** An int per slot. */
  static final class Ints {
    private int[][] pages;
    private int capacity;
    private final int fill;

    /** @param fill the value of every slot before it is first set */
    Ints(int capacity, int fill) {
      this.fill = fill;
      this.pages = new int[0][];
      grow(capacity);
    }

    int capacity() {
      return capacity;
    }

    int get(int slot) {
      return pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    void set(int slot, int value) {
      pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = value;
    }

    /** Makes room for at least {@code needed} slots. */
    void grow(int needed) {
      int target = grownCapacity(capacity, needed);
      if (target == capacity) {
        return;
      }
      int count = pageCount(target);
      int[][] grown = Arrays.copyOf(pages, count);
      if (pages.length > 0 && pages[0].length < PAGE_SLOTS) {
        grown[0] = Arrays.copyOf(pages[0], Math.min(target, PAGE_SLOTS));
        Arrays.fill(grown[0], capacity, grown[0].length, fill);
      }
      for (int p = pages.length; p < count; p++) {
        grown[p] = new int[Math.min(target, PAGE_SLOTS)];
        if (fill != 0) {
          Arrays.fill(grown[p], fill);
        }
      }
      pages = grown;
      capacity = target;
    }
  }

  /** A record reference per slot; null for a slot that holds no entry. */
  static final class Records {
    private byte[][][] pages;
    private int capacity;

    Records(int capacity) {
      this.pages = new byte[0][][];
      grow(capacity);
    }

    int capacity() {
      return capacity;
    }

    byte[] get(int slot) {
      return pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    void set(int slot, byte[] record) {
      pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = record;
    }

    /** Makes room for at least {@code needed} slots. */
    void grow(int needed) {
      int target = grownCapacity(capacity, needed);
      if (target == capacity) {
        return;
      }
      int count = pageCount(target);
      byte[][][] grown = Arrays.copyOf(pages, count);
      if (pages.length > 0 && pages[0].length < PAGE_SLOTS) {
        grown[0] = Arrays.copyOf(pages[0], Math.min(target, PAGE_SLOTS));
      }
      for (int p = pages.length; p < count; p++) {
        grown[p] = new byte[Math.min(target, PAGE_SLOTS)][];
      }
      pages = grown;
      capacity = target;
    }
  }
}
