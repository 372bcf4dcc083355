package io.pensieve.api;

import java.util.Arrays;

/** How a range's end is written, as etcd writes it: {@code [key, range_end)} in byte order. */
public final class KeyRanges {
  private KeyRanges() {}

  /** The end that means "every key from {@code key} on": one zero byte. */
  public static byte[] fromKey() {
    return new byte[] {0};
  }

  /**
   * The end of the range of the keys that start with {@code prefix}: the prefix with its last
   * byte below 0xff incremented and the bytes after it dropped; {@link #fromKey()} if every byte
   * is 0xff or the prefix is empty.
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return fromKey();
  }
}
