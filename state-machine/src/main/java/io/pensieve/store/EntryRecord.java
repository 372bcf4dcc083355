package io.pensieve.store;

import java.util.Arrays;

/**
 * One entry's key, value and revisions packed into a single byte array, so that an entry costs
 * one array header instead of two plus an object:
 *
 * <pre>[key length: varint][key][version: varint][version - createRevision: varint][value]</pre>
 *
 * The value runs to the end of the array. A record is immutable once built: a write replaces
 * the whole array, so readers may hold a record while apply moves on.
 */
final class EntryRecord {
  private EntryRecord() {}

  static byte[] encode(byte[] key, byte[] value, long version, long createRevision) {
    return encode(key, 0, key.length, value, 0, value.length, version, createRevision);
  }

  /** A record of the key and value found at the given places of the given arrays. */
  static byte[] encode(byte[] keyBuffer, int keyOffset, int keyLength, byte[] valueBuffer,
      int valueOffset, int valueLength, long version, long createRevision) {
    long revisionGap = version - createRevision;
    byte[] record = new byte[Varint.size(keyLength) + keyLength + Varint.size(version)
        + Varint.size(revisionGap) + valueLength];
    int at = Varint.write(record, 0, keyLength);
    System.arraycopy(keyBuffer, keyOffset, record, at, keyLength);
    at += keyLength;
    at = Varint.write(record, at, version);
    at = Varint.write(record, at, revisionGap);
    System.arraycopy(valueBuffer, valueOffset, record, at, valueLength);
    return record;
  }

  static int keyOffset(byte[] record) {
    return Varint.sizeAt(record, 0);
  }

  static int keyLength(byte[] record) {
    return (int) Varint.read(record, 0);
  }

  static boolean keyEquals(byte[] record, byte[] key) {
    int offset = keyOffset(record);
    return keyLength(record) == key.length
        && Arrays.equals(record, offset, offset + key.length, key, 0, key.length);
  }

  /** A decoded view of a record's layout; reusable for iteration without allocation. */
  static final class Layout implements EntryView {
    private byte[] record;
    private int keyOffset;
    private int keyLength;
    private long version;
    private long createRevision;
    private int valueOffset;
    private long expireAtMillis;

    Layout of(byte[] record, long expireAtMillis) {
      this.record = record;
      this.expireAtMillis = expireAtMillis;
      keyOffset = Varint.sizeAt(record, 0);
      keyLength = (int) Varint.read(record, 0);
      int at = keyOffset + keyLength;
      version = Varint.read(record, at);
      at += Varint.sizeAt(record, at);
      createRevision = version - Varint.read(record, at);
      valueOffset = at + Varint.sizeAt(record, at);
      return this;
    }

    Entry toEntry() {
      return new Entry(
          Arrays.copyOfRange(record, keyOffset, keyOffset + keyLength),
          Arrays.copyOfRange(record, valueOffset, record.length),
          version, createRevision, expireAtMillis);
    }

    @Override public byte[] buffer() { return record; }
    @Override public int keyOffset() { return keyOffset; }
    @Override public int keyLength() { return keyLength; }
    @Override public int valueOffset() { return valueOffset; }
    @Override public int valueLength() { return record.length - valueOffset; }
    @Override public long version() { return version; }
    @Override public long createRevision() { return createRevision; }
    @Override public long expireAtMillis() { return expireAtMillis; }
  }
}
