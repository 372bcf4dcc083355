package io.pensieve.jepsen.checker;

import java.util.Arrays;

/**
 * Lowe's memo for the linearizability search: the configurations already explored, each a set
 * of linearized required operations, a set of linearized optional (info) ones and a register
 * state. One explored without success proves the same required set and state hopeless with
 * any more optional operations spent on the way: those only ever narrow what can follow. So a
 * configuration is skipped when one at least as good is here, not only an equal one.
 *
 * <p>Configurations hash by required set and state only (the search keeps the set's hash as an
 * xor of one random word per operation, so probing costs O(1)); a full comparison runs only on
 * a hash match. Sets are stored trimmed: required operations are linearized roughly in history
 * order, so their set is a run of full words, a few mixed ones, then zeros; only the mixed part
 * is copied.
 */
final class LinearizedCache {
  private static final long[] NONE = new long[0];

  private long[] hashes = new long[1 << 10];
  private Entry[] entries = new Entry[1 << 10];
  private int size;

  /**
   * @param afterOptional whether the last operation linearized was optional, which rules out a
   *     write next (see {@link KeySearch}): such a configuration has fewer ways on
   */
  // bit sets on the search's hot path, compared by sameRequired below, never by equals
  @SuppressWarnings("ArrayRecordComponent")
  private record Entry(int state, boolean afterOptional, int requiredFrom, long[] required,
                       long[] optional) {}

  int size() {
    return size;
  }

  /**
   * Adds the configuration unless one at least as good is here.
   *
   * @param hash the required set's hash mixed with {@code state}
   * @return whether it was added: false means it needs no exploring
   */
  boolean add(long hash, int state, boolean afterOptional, long[] required, long[] optional) {
    int mask = hashes.length - 1;
    int slot = spread(hash) & mask;
    for (Entry e; (e = entries[slot]) != null; slot = (slot + 1) & mask) {
      if (hashes[slot] == hash && e.state == state && (!e.afterOptional || afterOptional)
          && subset(e.optional, optional) && sameRequired(e, required)) {
        return false;
      }
    }
    hashes[slot] = hash;
    entries[slot] = snapshot(state, afterOptional, required, optional);
    if (++size * 2 > hashes.length) {
      grow();
    }
    return true;
  }

  private static Entry snapshot(int state, boolean afterOptional, long[] required,
      long[] optional) {
    int from = 0;
    while (from < required.length && required[from] == -1L) {
      from++;
    }
    int to = lastNonZero(required) + 1;
    long[] mixed = to > from ? Arrays.copyOfRange(required, from, to) : NONE;
    int optionalTo = lastNonZero(optional) + 1;
    return new Entry(state, afterOptional, from, mixed,
        optionalTo > 0 ? Arrays.copyOf(optional, optionalTo) : NONE);
  }

  private static boolean sameRequired(Entry e, long[] required) {
    for (int i = 0; i < e.requiredFrom; i++) {
      if (required[i] != -1L) {
        return false;
      }
    }
    long[] stored = e.required;
    int offset = e.requiredFrom;
    for (int i = 0; i < stored.length; i++) {
      if (required[offset + i] != stored[i]) {
        return false;
      }
    }
    for (int i = offset + stored.length; i < required.length; i++) {
      if (required[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean subset(long[] stored, long[] live) {
    for (int i = 0; i < stored.length; i++) {
      if ((stored[i] & ~live[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  private static int lastNonZero(long[] words) {
    int i = words.length - 1;
    while (i >= 0 && words[i] == 0) {
      i--;
    }
    return i;
  }

  private void grow() {
    long[] oldHashes = hashes;
    Entry[] oldEntries = entries;
    hashes = new long[oldHashes.length * 2];
    entries = new Entry[oldEntries.length * 2];
    int mask = hashes.length - 1;
    for (int i = 0; i < oldEntries.length; i++) {
      if (oldEntries[i] != null) {
        int slot = spread(oldHashes[i]) & mask;
        while (entries[slot] != null) {
          slot = (slot + 1) & mask;
        }
        hashes[slot] = oldHashes[i];
        entries[slot] = oldEntries[i];
      }
    }
  }

  private static int spread(long hash) {
    long h = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
    return (int) (h ^ (h >>> 29));
  }
}
