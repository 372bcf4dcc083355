package io.pensieve.store;

/** Unsigned LEB128 varints, as protobuf writes them: 7 bits per byte, low bits first. */
final class Varint {
  private Varint() {}

  static int size(long value) {
    int bits = 64 - Long.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }

  /** Writes {@code value} at {@code offset}; returns the offset just past it. */
  static int write(byte[] buffer, int offset, long value) {
    while ((value & ~0x7fL) != 0) {
      buffer[offset++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    buffer[offset++] = (byte) value;
    return offset;
  }

  static long read(byte[] buffer, int offset) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = buffer[offset++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  /** The number of bytes of the varint that starts at {@code offset}. */
  static int sizeAt(byte[] buffer, int offset) {
    int start = offset;
    while (buffer[offset] < 0) {
      offset++;
    }
    return offset - start + 1;
  }
}
