package io.pensieve.store;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The live slots of an {@link EntryTable} in unsigned-byte order of their keys: a B+-tree whose
 * leaves are int arrays of slot numbers and whose inner nodes keep, beside each child, the slot
 * of that child's first key. Keys are compared where the records hold them, never copied, so the
 * index costs about four bytes per entry when its leaves are full; a leaf's array grows and
 * shrinks with its count, so a leaf that is not full costs little more.
 *
 * <p>Leaves fill completely when keys arrive in order (a split at a leaf's end leaves it full,
 * as a bulk load would) and about two thirds in random order; a node merges with a neighbour as
 * soon as both fit in one, so removals cannot leave the tree sparse. All leaves sit at one depth.
 * Add and remove cost O(log n) comparisons plus a shift within one node per level; a walk from a
 * key costs O(log n) plus one step per slot visited.
 *
 * <p>The shape depends only on the order of adds and removes, and a snapshot load rebuilds the
 * tree packed, so two replicas may hold differently shaped trees; nothing observable depends on
 * the shape, only on the order of the keys.
 */
final class KeyOrder {
  static final int LEAF_CAPACITY = 256;
  static final int INNER_CAPACITY = 64;
  /** Smallest node capacities that still make a tree; tests use them to split and merge often. */
  static final int MIN_CAPACITY = 3;

  /** Receives slots in key order; returns false to stop the walk. */
  @FunctionalInterface
  interface SlotVisitor {
    boolean visit(int slot);
  }

  private abstract static class Node {
    int count;

    abstract int firstSlot();
  }

  private static final class Leaf extends Node {
    /** As long as the leaf's count rounded up to a growth step ({@link #leafLength}). */
    int[] slots;

    Leaf(int length) {
      slots = new int[length];
    }

    @Override int firstSlot() {
      return slots[0];
    }
  }

  private static final class Inner extends Node {
    final Node[] children;
    /** The slot of each child's first key, to choose a child without descending. */
    final int[] firstSlots;

    Inner(int capacity) {
      children = new Node[capacity];
      firstSlots = new int[capacity];
    }

    @Override int firstSlot() {
      return firstSlots[0];
    }
  }

  private final IntFunction<byte[]> records;
  private final int leafCapacity;
  /**
   * What a leaf's array grows and shrinks by: a sixteenth of the capacity. Random inserts leave
   * leaves about two thirds full, so arrays of the full capacity would cost half as much again.
   */
  private final int leafStep;
  private final int innerCapacity;
  private Node root;
  private int size;

  /** @param records the record held in a live slot */
  KeyOrder(IntFunction<byte[]> records, int leafCapacity, int innerCapacity) {
    if (leafCapacity < MIN_CAPACITY || innerCapacity < MIN_CAPACITY) {
      throw new IllegalArgumentException("node capacities " + leafCapacity + " and "
          + innerCapacity + " below " + MIN_CAPACITY);
    }
    this.records = records;
    this.leafCapacity = leafCapacity;
    this.leafStep = Math.max(1, leafCapacity / 16);
    this.innerCapacity = innerCapacity;
    this.root = new Leaf(leafLength(0));
  }

  int size() {
    return size;
  }

  /** Adds a live slot whose key is not in the index yet. */
  void add(int slot) {
    byte[] record = records.apply(slot);
    Node split = add(root, slot, record, EntryRecord.keyOffset(record),
        EntryRecord.keyLength(record));
    if (split != null) {
      Inner newRoot = new Inner(innerCapacity);
      insertChild(newRoot, 0, root);
      insertChild(newRoot, 1, split);
      root = newRoot;
    }
    size++;
  }

  /** Removes an indexed slot; call while the slot still holds its record. */
  void remove(int slot) {
    byte[] record = records.apply(slot);
    remove(root, slot, record, EntryRecord.keyOffset(record), EntryRecord.keyLength(record));
    size--;
    while (root instanceof Inner inner && inner.count <= 1) {
      root = inner.count == 0 ? new Leaf(leafLength(0)) : inner.children[0];
    }
  }

  /**
   * Visits slots in key order, from the first whose key is at or after {@code key}, until the
   * visitor returns false or the keys run out; returns false if the visitor stopped the walk.
   */
  boolean forEachFrom(byte[] key, SlotVisitor visitor) {
    return walk(root, key, true, visitor);
  }

  /**
   * Replaces the index with {@code slots} (live, any order), packed full.
   *
   * @throws IllegalArgumentException if two of the slots hold the same key
   */
  void rebuild(int[] slots, int count) {
    int[] sorted = Arrays.copyOf(slots, count);
    sortByKey(sorted, 0, count, 0, new SortScratch(count));
    Node[] level = new Node[(count + leafCapacity - 1) / leafCapacity];
    for (int n = 0; n < level.length; n++) {
      Leaf leaf = new Leaf(leafLength(Math.min(leafCapacity, count - n * leafCapacity)));
      leaf.count = Math.min(leafCapacity, count - n * leafCapacity);
      System.arraycopy(sorted, n * leafCapacity, leaf.slots, 0, leaf.count);
      level[n] = leaf;
    }
    while (level.length > 1) {
      Node[] above = new Node[(level.length + innerCapacity - 1) / innerCapacity];
      for (int n = 0; n < above.length; n++) {
        Inner inner = new Inner(innerCapacity);
        for (int c = n * innerCapacity; c < Math.min(level.length, (n + 1) * innerCapacity); c++) {
          insertChild(inner, inner.count, level[c]);
        }
        above[n] = inner;
      }
      level = above;
    }
    root = level.length == 0 ? new Leaf(leafLength(0)) : level[0];
    size = count;
  }

  /**
   * Checks in O(n) that the tree is well formed (nodes within capacity, none empty but an
   * empty root, no leaf array two growth steps longer than its count, every leaf at one depth,
   * each first-key slot right) and that its slots come in strictly increasing key order,
   * {@code expectedSize} of them, each one for which {@code isLiveSlot} holds: with distinct
   * keys and the right count, exactly the live slots.
   *
   * @throws IllegalStateException naming the first disagreement found
   */
  void checkInvariants(int expectedSize, java.util.function.IntPredicate isLiveSlot) {
    if (size != expectedSize) {
      throw broken("it counts " + size + " slots, the table " + expectedSize);
    }
    int[] visited = {0};
    int[] previous = {EntryTable.NONE};
    checkNode(root, true, depth(root), 0);
    walk(root, new byte[0], false, slot -> {
      if (++visited[0] > size) {
        throw broken("it holds more than the " + size + " slots counted");
      }
      if (!isLiveSlot.test(slot)) {
        throw broken("it holds slot " + slot + ", which holds no entry");
      }
      if (previous[0] != EntryTable.NONE && compareSlots(previous[0], slot) >= 0) {
        throw broken("slot " + slot + " does not come after slot " + previous[0] + " in key order");
      }
      previous[0] = slot;
      return true;
    });
    if (visited[0] != size) {
      throw broken("it holds " + visited[0] + " slots, counts " + size);
    }
  }

  // ---- internals ----

  private Node add(Node node, int slot, byte[] key, int keyOffset, int keyLength) {
    if (node instanceof Leaf leaf) {
      int position = lowerBound(leaf, key, keyOffset, keyLength);
      if (leaf.count < leafCapacity) {
        insertSlot(leaf, position, slot);
        return null;
      }
      int splitAt = splitPoint(position, leaf.count);
      Leaf right = new Leaf(leafLength(leaf.count - splitAt + 1));
      System.arraycopy(leaf.slots, splitAt, right.slots, 0, leaf.count - splitAt);
      right.count = leaf.count - splitAt;
      leaf.count = splitAt;
      resize(leaf, splitAt + 1);
      if (position < splitAt || splitAt == 0) {
        insertSlot(leaf, position, slot);
      } else {
        insertSlot(right, position - splitAt, slot);
      }
      return right;
    }
    Inner inner = (Inner) node;
    int index = childFor(inner, key, keyOffset, keyLength);
    Node child = inner.children[index];
    Node split = add(child, slot, key, keyOffset, keyLength);
    inner.firstSlots[index] = child.firstSlot();
    if (split == null) {
      return null;
    }
    int position = index + 1;
    if (inner.count < innerCapacity) {
      insertChild(inner, position, split);
      return null;
    }
    Inner right = new Inner(innerCapacity);
    int splitAt = splitPoint(position, inner.count);
    for (int c = splitAt; c < inner.count; c++) {
      insertChild(right, right.count, inner.children[c]);
      inner.children[c] = null;
    }
    inner.count = splitAt;
    if (position < splitAt || splitAt == 0) {
      insertChild(inner, position, split);
    } else {
      insertChild(right, position - splitAt, split);
    }
    return right;
  }

  /**
   * Where a full node splits for an insertion at {@code position}: at its end or start when the
   * insertion is there, so that keys added in order (or in reverse) leave full nodes behind;
   * in the middle otherwise.
   */
  private static int splitPoint(int position, int count) {
    return position == count ? count : position == 0 ? 0 : count / 2;
  }

  private void remove(Node node, int slot, byte[] key, int keyOffset, int keyLength) {
    if (node instanceof Leaf leaf) {
      int position = lowerBound(leaf, key, keyOffset, keyLength);
      if (position == leaf.count || leaf.slots[position] != slot) {
        throw broken("slot " + slot + " is not where its key belongs");
      }
      System.arraycopy(leaf.slots, position + 1, leaf.slots, position, leaf.count - position - 1);
      leaf.count--;
      if (leaf.slots.length - leaf.count >= 2 * leafStep) {
        resize(leaf, leaf.count);
      }
      return;
    }
    Inner inner = (Inner) node;
    int index = childFor(inner, key, keyOffset, keyLength);
    Node child = inner.children[index];
    remove(child, slot, key, keyOffset, keyLength);
    if (child.count == 0) {
      removeChild(inner, index);
      return;
    }
    inner.firstSlots[index] = child.firstSlot();
    if (index + 1 < inner.count && fitTogether(child, inner.children[index + 1])) {
      merge(child, inner.children[index + 1]);
      removeChild(inner, index + 1);
    } else if (index > 0 && fitTogether(inner.children[index - 1], child)) {
      merge(inner.children[index - 1], child);
      removeChild(inner, index);
    }
  }

  private boolean fitTogether(Node left, Node right) {
    return left.count + right.count <= (left instanceof Leaf ? leafCapacity : innerCapacity);
  }

  /** Moves everything in {@code right} to the end of {@code left}, its neighbour. */
  private void merge(Node left, Node right) {
    if (left instanceof Leaf leftLeaf) {
      Leaf rightLeaf = (Leaf) right;
      resize(leftLeaf, leftLeaf.count + rightLeaf.count);
      System.arraycopy(rightLeaf.slots, 0, leftLeaf.slots, leftLeaf.count, rightLeaf.count);
      leftLeaf.count += rightLeaf.count;
    } else {
      Inner leftInner = (Inner) left;
      Inner rightInner = (Inner) right;
      for (int c = 0; c < rightInner.count; c++) {
        insertChild(leftInner, leftInner.count, rightInner.children[c]);
      }
    }
    right.count = 0;
  }

  private boolean walk(Node node, byte[] from, boolean bounded, SlotVisitor visitor) {
    if (node instanceof Leaf leaf) {
      for (int i = bounded ? lowerBound(leaf, from, 0, from.length) : 0; i < leaf.count; i++) {
        if (!visitor.visit(leaf.slots[i])) {
          return false;
        }
      }
      return true;
    }
    Inner inner = (Inner) node;
    int start = bounded ? childFor(inner, from, 0, from.length) : 0;
    for (int c = start; c < inner.count; c++) {
      if (!walk(inner.children[c], from, bounded && c == start, visitor)) {
        return false;
      }
    }
    return true;
  }

  /** The first position in {@code leaf} whose key is at or after the given key. */
  private int lowerBound(Leaf leaf, byte[] key, int keyOffset, int keyLength) {
    int low = 0;
    int high = leaf.count;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (compareToSlot(key, keyOffset, keyLength, leaf.slots[mid]) > 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** The last child whose first key is at or before the given key, or the first child. */
  private int childFor(Inner inner, byte[] key, int keyOffset, int keyLength) {
    int low = 1;
    int high = inner.count;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (compareToSlot(key, keyOffset, keyLength, inner.firstSlots[mid]) >= 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low - 1;
  }

  private void insertSlot(Leaf leaf, int position, int slot) {
    if (leaf.count == leaf.slots.length) {
      resize(leaf, leaf.count + 1);
    }
    System.arraycopy(leaf.slots, position, leaf.slots, position + 1, leaf.count - position);
    leaf.slots[position] = slot;
    leaf.count++;
  }

  /** The array length for a leaf of {@code count} slots: rounded up to a step, within capacity. */
  private int leafLength(int count) {
    int stepped = (count + leafStep - 1) / leafStep * leafStep;
    return Math.min(leafCapacity, Math.max(leafStep, stepped));
  }

  /** Gives {@code leaf} the array length for {@code count} slots, keeping the ones it holds. */
  private void resize(Leaf leaf, int count) {
    int length = leafLength(count);
    if (length != leaf.slots.length) {
      leaf.slots = Arrays.copyOf(leaf.slots, length);
    }
  }

  private static void insertChild(Inner inner, int position, Node child) {
    int moved = inner.count - position;
    System.arraycopy(inner.children, position, inner.children, position + 1, moved);
    System.arraycopy(inner.firstSlots, position, inner.firstSlots, position + 1, moved);
    inner.children[position] = child;
    inner.firstSlots[position] = child.firstSlot();
    inner.count++;
  }

  private static void removeChild(Inner inner, int position) {
    int moved = inner.count - position - 1;
    System.arraycopy(inner.children, position + 1, inner.children, position, moved);
    System.arraycopy(inner.firstSlots, position + 1, inner.firstSlots, position, moved);
    inner.count--;
    inner.children[inner.count] = null;
  }

  private int compareToSlot(byte[] key, int keyOffset, int keyLength, int slot) {
    byte[] record = records.apply(slot);
    int offset = EntryRecord.keyOffset(record);
    return Arrays.compareUnsigned(key, keyOffset, keyOffset + keyLength,
        record, offset, offset + EntryRecord.keyLength(record));
  }

  private int compareSlots(int a, int b) {
    byte[] record = records.apply(a);
    int offset = EntryRecord.keyOffset(record);
    return compareToSlot(record, offset, EntryRecord.keyLength(record), b);
  }

  /** Work arrays of a sort: eight key bytes and a tag per slot, and as much again to merge. */
  private static final class SortScratch {
    final long[] chunks;
    final long[] tags;
    final long[] mergedChunks;
    final long[] mergedTags;

    SortScratch(int count) {
      chunks = new long[count];
      tags = new long[count];
      mergedChunks = new long[count];
      mergedTags = new long[count];
    }
  }

  /** Keys that go on past the eight bytes sorted at one depth, in a slot's tag. */
  private static final int CONTINUES = 9;

  /**
   * Sorts {@code slots[from, to)}, whose keys agree on their first {@code depth} bytes, by key:
   * by the next eight bytes as one unsigned long, then runs that agree on them by the eight
   * after. A merge sort comparing whole keys would read two records per comparison, about 20
   * per slot at a million slots, each a cache miss when the slots come in random key order;
   * this reads each record once per eight bytes of prefix its key shares with another.
   *
   * <p>A key shorter than {@code depth + 8} is padded with zero bytes, and its tag carries how
   * many bytes it really has there (or {@link #CONTINUES}), so that among equal padded bytes a
   * key sorts before the longer keys it is a prefix of.
   *
   * @throws IllegalArgumentException if two slots hold the same key
   */
  private void sortByKey(int[] slots, int from, int to, int depth, SortScratch scratch) {
    long[] chunks = scratch.chunks;
    long[] tags = scratch.tags;
    for (int i = from; i < to; i++) {
      byte[] record = records.apply(slots[i]);
      int at = EntryRecord.keyOffset(record) + depth;
      int remaining = EntryRecord.keyLength(record) - depth;
      long chunk = 0;
      for (int b = 0; b < 8; b++) {
        chunk = chunk << 8 | (b < remaining ? record[at + b] & 0xffL : 0);
      }
      chunks[i] = chunk;
      tags[i] = (long) Math.min(remaining, CONTINUES) << 32 | (slots[i] & 0xffffffffL);
    }
    mergeSort(scratch, from, to);
    int runStart = from;
    for (int i = from; i < to; i++) {
      slots[i] = (int) tags[i];
      boolean runEnds = i + 1 == to || chunks[i + 1] != chunks[i]
          || tags[i + 1] >>> 32 != tags[i] >>> 32;
      if (!runEnds) {
        continue;
      }
      if (i > runStart) {
        if (tags[i] >>> 32 != CONTINUES) {
          throw new IllegalArgumentException("two slots hold the same key");
        }
        // overwrites the work arrays only in [runStart, i], which this loop has left behind
        sortByKey(slots, runStart, i + 1, depth + 8, scratch);
      }
      runStart = i + 1;
    }
  }

  /**
   * A stable merge sort of the chunks and tags in {@code [from, to)}, by chunk (unsigned) and
   * then tag; skips merges of ordered halves, so keys that come in order cost one pass.
   */
  private static void mergeSort(SortScratch scratch, int from, int to) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(scratch, from, mid);
    mergeSort(scratch, mid, to);
    long[] chunks = scratch.chunks;
    long[] tags = scratch.tags;
    if (!before(chunks[mid], tags[mid], chunks[mid - 1], tags[mid - 1])) {
      return;
    }
    long[] leftChunks = scratch.mergedChunks;
    long[] leftTags = scratch.mergedTags;
    System.arraycopy(chunks, from, leftChunks, from, mid - from);
    System.arraycopy(tags, from, leftTags, from, mid - from);
    int left = from;
    int right = mid;
    int out = from;
    while (left < mid) {
      if (right < to && before(chunks[right], tags[right], leftChunks[left], leftTags[left])) {
        chunks[out] = chunks[right];
        tags[out++] = tags[right++];
      } else {
        chunks[out] = leftChunks[left];
        tags[out++] = leftTags[left++];
      }
    }
  }

  private static boolean before(long chunk, long tag, long otherChunk, long otherTag) {
    int order = Long.compareUnsigned(chunk, otherChunk);
    return order < 0 || (order == 0 && tag < otherTag);
  }

  private static int depth(Node node) {
    int depth = 0;
    for (Node n = node; n instanceof Inner inner; n = inner.children[0]) {
      depth++;
    }
    return depth;
  }

  private void checkNode(Node node, boolean isRoot, int depth, int level) {
    int capacity = node instanceof Leaf ? leafCapacity : innerCapacity;
    if (node.count > capacity || (node.count == 0 && !isRoot)) {
      throw broken("a node holds " + node.count + " of " + capacity);
    }
    if (node instanceof Leaf leaf) {
      if (leaf.slots.length - leaf.count >= 2 * leafStep) {
        throw broken("a leaf of " + leaf.count + " slots keeps an array of "
            + leaf.slots.length);
      }
      if (level != depth) {
        throw broken("a leaf at depth " + level + ", another at " + depth);
      }
      return;
    }
    Inner inner = (Inner) node;
    if (isRoot && inner.count < 2) {
      throw broken("the root has one child");
    }
    for (int c = 0; c < inner.count; c++) {
      checkNode(inner.children[c], false, depth, level + 1);
      if (inner.firstSlots[c] != inner.children[c].firstSlot()) {
        throw broken("child " + c + " starts at slot " + inner.children[c].firstSlot()
            + ", its parent says " + inner.firstSlots[c]);
      }
    }
  }

  private static IllegalStateException broken(String what) {
    return new IllegalStateException("key order invariant broken: " + what);
  }
}
