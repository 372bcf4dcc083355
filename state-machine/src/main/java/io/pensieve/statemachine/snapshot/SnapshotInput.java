package io.pensieve.statemachine.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The body of a snapshot file (everything before its CRC32C trailer), read in large blocks into
 * one array that the reader decodes in place, with the checksum taken over each block as it is
 * read.
 *
 * <p>A reader marks the start of each entry and takes its parts; the bytes from the mark on stay
 * in the array until the next mark, moving to its start (or to a larger array, for an entry
 * longer than the array) when a block is read. Positions the reader took are therefore counted
 * from the mark, and {@link #buffer()} with {@link #markOffset()} locate them once the entry is
 * whole. So the entries of a load cost no allocation here: a million entries of 116 bytes went
 * through three arrays each (key, value, record) and now through one (record).
 */
final class SnapshotInput {
  /** Bytes read from the file at a time. */
  static final int BLOCK_BYTES = 1 << 20;
  private static final int VARINT64_MAX_BYTES = 10;

  private final Path file;
  private final FileChannel channel;
  private final CRC32C crc = new CRC32C();
  private long unreadBodyBytes;
  private byte[] buffer = new byte[BLOCK_BYTES];
  /** Where the current entry starts in {@link #buffer}. */
  private int mark;
  private int position;
  private int limit;

  /** Reads {@code bodyBytes} of {@code channel} from its current position. */
  SnapshotInput(Path file, FileChannel channel, long bodyBytes) {
    this.file = file;
    this.channel = channel;
    this.unreadBodyBytes = bodyBytes;
  }

  /** The CRC32C of the bytes read from the file so far. */
  int crc() {
    return (int) crc.getValue();
  }

  /** Whether every byte of the body was read and taken. */
  boolean isAtEnd() {
    return unreadBodyBytes == 0 && position == limit;
  }

  /** Starts an entry: its bytes stay in the array, at {@link #markOffset()}, until the next. */
  void mark() {
    mark = position;
  }

  byte[] buffer() {
    return buffer;
  }

  int markOffset() {
    return mark;
  }

  /** Takes {@code length} bytes; returns where they start, counted from the mark. */
  int take(int length) throws IOException {
    require(length);
    int taken = position - mark;
    position += length;
    return taken;
  }

  /** A copy of the next {@code length} bytes. */
  byte[] readBytes(int length) throws IOException {
    require(length);
    byte[] copy = Arrays.copyOfRange(buffer, position, position + length);
    position += length;
    return copy;
  }

  int readFixed32LittleEndian() throws IOException {
    require(4);
    int value = (buffer[position] & 0xff) | (buffer[position + 1] & 0xff) << 8
        | (buffer[position + 2] & 0xff) << 16 | (buffer[position + 3] & 0xff) << 24;
    position += 4;
    return value;
  }

  /** A varint of at most 32 bits, as protobuf writes an unsigned int32 (its high bits dropped). */
  int readVarint32() throws IOException {
    return (int) readVarint64();
  }

  long readVarint64() throws IOException {
    if (limit - position < VARINT64_MAX_BYTES) {
      fill(VARINT64_MAX_BYTES);
    }
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position == limit) {
        throw corrupt("the file ends inside a number");
      }
      byte b = buffer[position++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw corrupt("a number is longer than ten bytes");
  }

  private void require(int length) throws IOException {
    if (limit - position < length) {
      fill(length);
      if (limit - position < length) {
        throw corrupt("the file ends early");
      }
    }
  }

  /**
   * Reads blocks until {@code wanted} bytes are available after the position or the body ends,
   * first moving the current entry to the start of the array, or to a larger one if it would
   * not fit.
   */
  private void fill(int wanted) throws IOException {
    int kept = limit - mark;
    int needed = (position - mark) + wanted;
    byte[] target = needed > buffer.length
        ? new byte[Math.max(needed, BLOCK_BYTES)]
        : buffer;
    System.arraycopy(buffer, mark, target, 0, kept);
    buffer = target;
    position -= mark;
    limit = kept;
    mark = 0;
    while (limit - position < wanted && unreadBodyBytes > 0) {
      int room = (int) Math.min(buffer.length - limit, unreadBodyBytes);
      int read = channel.read(ByteBuffer.wrap(buffer, limit, room));
      if (read < 0) {
        throw corrupt("the file ends early");
      }
      crc.update(buffer, limit, read);
      limit += read;
      unreadBodyBytes -= read;
    }
  }

  private CorruptSnapshotException corrupt(String reason) {
    return new CorruptSnapshotException(file, reason);
  }
}
