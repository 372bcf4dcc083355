package io.pensieve.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One page of a range read, in key order.
 *
 * @param entries the live entries of the page; with keys only, their values are empty
 * @param more whether live entries in the range follow this page
 * @param nextKey the key to start the next page at when {@code more}, else empty (no key is)
 */
// equals, hashCode and toString below compare and show the bytes
@SuppressWarnings("ArrayRecordComponent")
public record RangeResult(List<Entry> entries, boolean more, byte[] nextKey) {
  public RangeResult {
    entries = List.copyOf(entries);
    if (more == (nextKey.length == 0)) {
      throw new IllegalArgumentException("a next key goes with more, and only with more");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeResult other
        && entries.equals(other.entries)
        && more == other.more
        && Arrays.equals(nextKey, other.nextKey);
  }

  @Override
  public int hashCode() {
    return 31 * entries.hashCode() + Arrays.hashCode(nextKey);
  }

  @Override
  public String toString() {
    return "RangeResult[entries=" + entries + ", more=" + more
        + ", nextKey=" + HexFormat.of().formatHex(nextKey) + "]";
  }
}
