package io.pensieve.store;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A copy of one entry, owned by whoever asked for it.
 *
 * @param version the store revision of the key's last write
 * @param createRevision the store revision at which the key was created
 * @param expireAtMillis epoch milliseconds by the leaders' clocks; 0 = never expires
 */
// equals, hashCode and toString below compare and show the bytes; arrays are the map's own form
@SuppressWarnings("ArrayRecordComponent")
public record Entry(byte[] key, byte[] value, long version, long createRevision, long expireAtMillis) {

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry other
        && Arrays.equals(key, other.key)
        && Arrays.equals(value, other.value)
        && version == other.version
        && createRevision == other.createRevision
        && expireAtMillis == other.expireAtMillis;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Long.hashCode(version);
  }

  @Override
  public String toString() {
    return "Entry[key=" + HexFormat.of().formatHex(key) + ", value=" + value.length + " bytes"
        + ", version=" + version + ", createRevision=" + createRevision
        + ", expireAtMillis=" + expireAtMillis + "]";
  }
}
