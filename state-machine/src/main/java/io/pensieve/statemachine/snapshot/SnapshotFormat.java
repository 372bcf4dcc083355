package io.pensieve.statemachine.snapshot;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.pensieve.api.RequestLimits;
import io.pensieve.internal.v1.SnapshotHeader;
import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.statemachine.SettingsMapping;
import io.pensieve.store.LeaseTable;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.MapState;
import io.pensieve.store.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The snapshot file format, version 2. All integers are protobuf varints unless noted.
 *
 * <pre>
 * magic            4 bytes  "PVSN"
 * format version   fixed32, little-endian
 * header length    varint, then a {@link SnapshotHeader}: term, index, counts, settings,
 *                  revision, clock and counters
 * entries          entry_count times, least recently used first:
 *                  key length, key, value length, value, version, create revision, expire-at
 *                  millis (0 = never)
 * leases           (since version 2) length, then the lease table as
 *                  {@link LeaseTable#writeTo} writes it: leases by id, each with its keys
 * CRC32C           fixed32, little-endian, of every byte before it
 * </pre>
 *
 * Version 1 files, written before leases, still load: with no lease.
 *
 * The bytes depend only on the map's replicated state and the log position, so replicas that
 * applied the same log write identical files.
 */
public final class SnapshotFormat {
  static final byte[] MAGIC = {'P', 'V', 'S', 'N'};
  static final int FORMAT_VERSION = 2;
  /** The format before leases, still read. */
  static final int FORMAT_VERSION_WITHOUT_LEASES = 1;
  /** A lease table's section may not claim more than the whole file, nor more than this. */
  private static final int LEASE_SECTION_BYTES_CEILING = Integer.MAX_VALUE - 8;
  private static final int BUFFER_BYTES = 256 * 1024;
  private static final int HEADER_BYTES_CEILING = 1024 * 1024;
  private static final int TRAILER_BYTES = 4;
  /** The smallest possible encoded entry: a one-byte key, an empty value, three small varints. */
  private static final int ENTRY_BYTES_FLOOR = 6;

  private SnapshotFormat() {}

  public static void write(
      LeasedMap store, MemberDirectory members, long term, long index, OutputStream out)
      throws IOException {
    write(store, members, term, index, out, FORMAT_VERSION);
  }

  /** Writes {@code formatVersion}; tests write version 1 to prove such files still load. */
  static void write(LeasedMap store, MemberDirectory members, long term, long index,
      OutputStream out, int formatVersion) throws IOException {
    LruTtlMap map = store.map();
    CRC32C crc = new CRC32C();
    CodedOutputStream coded =
        CodedOutputStream.newInstance(new CheckedOutputStream(out, crc), BUFFER_BYTES);
    coded.writeRawBytes(MAGIC);
    coded.writeFixed32NoTag(formatVersion);
    SnapshotHeader header = header(map, members, term, index);
    coded.writeUInt32NoTag(header.getSerializedSize());
    header.writeTo(coded);
    map.forEachInLruOrder(entry -> {
      coded.writeUInt32NoTag(entry.keyLength());
      coded.writeRawBytes(entry.buffer(), entry.keyOffset(), entry.keyLength());
      coded.writeUInt32NoTag(entry.valueLength());
      coded.writeRawBytes(entry.buffer(), entry.valueOffset(), entry.valueLength());
      coded.writeUInt64NoTag(entry.version());
      coded.writeUInt64NoTag(entry.createRevision());
      coded.writeUInt64NoTag(entry.expireAtMillis());
    });
    if (formatVersion >= FORMAT_VERSION) {
      ByteArrayOutputStream leases = new ByteArrayOutputStream();
      store.leases().writeTo(new DataOutputStream(leases));
      coded.writeUInt32NoTag(leases.size());
      coded.writeRawBytes(leases.toByteArray());
    }
    coded.flush();
    out.write(ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) crc.getValue()).array());
    out.flush();
  }

  /** SHA-256 of the replicated state: equal on replicas that applied the same log. */
  public static byte[] digest(LeasedMap store, MemberDirectory members) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      write(store, members, 0, 0,
          new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
      return sha256.digest();
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException("cannot digest the map", e);
    }
  }

  /**
   * Reads and verifies a snapshot. The map is built aside and returned only when every check
   * passed: magic, version, header, each entry, the declared counts and the CRC32C.
   */
  public static LoadedSnapshot read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileBytes = channel.size();
      if (fileBytes < MAGIC.length + 4 + 1 + TRAILER_BYTES) {
        throw new CorruptSnapshotException(file, "only " + fileBytes + " bytes long");
      }
      long bodyBytes = fileBytes - TRAILER_BYTES;
      SnapshotInput in = new SnapshotInput(file, channel, bodyBytes);
      LoadedSnapshot loaded = readBody(file, in, bodyBytes);
      if (!in.isAtEnd()) {
        throw new CorruptSnapshotException(file, "bytes left over after the last entry");
      }
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      while (trailer.hasRemaining()) {
        if (channel.read(trailer, bodyBytes + trailer.position()) < 0) {
          throw new CorruptSnapshotException(file, "the file ends before its checksum");
        }
      }
      int stored = trailer.getInt(0);
      int computed = in.crc();
      if (stored != computed) {
        throw new CorruptSnapshotException(file, String.format(
            "CRC32C mismatch: stored %08x, computed %08x", stored, computed));
      }
      return loaded;
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new CorruptSnapshotException(file, e.getMessage(), e);
    }
  }

  private static LoadedSnapshot readBody(Path file, SnapshotInput in, long bodyBytes)
      throws IOException {
    byte[] magic = in.readBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptSnapshotException(file, "not a Pensieve snapshot (bad magic)");
    }
    int version = in.readFixed32LittleEndian();
    if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITHOUT_LEASES) {
      throw new CorruptSnapshotException(file, "format version " + version
          + " is not supported (this build reads versions " + FORMAT_VERSION_WITHOUT_LEASES
          + " and " + FORMAT_VERSION + ")");
    }
    int headerBytes = in.readVarint32();
    if (headerBytes < 0 || headerBytes > HEADER_BYTES_CEILING) {
      throw new CorruptSnapshotException(file, "header length " + headerBytes + " out of range");
    }
    SnapshotHeader header = SnapshotHeader.parseFrom(in.readBytes(headerBytes));
    long entryCount = header.getEntryCount();
    if (entryCount < 0 || entryCount > bodyBytes / ENTRY_BYTES_FLOOR) {
      throw new CorruptSnapshotException(file, "entry count " + entryCount
          + " impossible in a file of " + bodyBytes + " bytes");
    }

    LruTtlMap.Restorer restorer = LruTtlMap.restorer(mapState(header), (int) entryCount);
    for (long i = 0; i < entryCount; i++) {
      in.mark();
      int keyLength = length(file, in, Settings.KEY_BYTES_CEILING);
      int key = in.take(keyLength);
      int valueLength = length(file, in, Settings.VALUE_BYTES_CEILING);
      int value = in.take(valueLength);
      long entryVersion = in.readVarint64();
      long createRevision = in.readVarint64();
      long expireAtMillis = in.readVarint64();
      // the entry is whole in the buffer now; its parts were counted from the mark
      int at = in.markOffset();
      restorer.add(in.buffer(), at + key, keyLength, in.buffer(), at + value, valueLength,
          entryVersion, createRevision, expireAtMillis);
    }
    LruTtlMap map = restorer.finish(entryCount, header.getBytes());
    LeaseTable leases = version == FORMAT_VERSION_WITHOUT_LEASES
        ? LeasedMap.unboundedLeases()
        : readLeases(file, in, bodyBytes);
    LeasedMap store = new LeasedMap(map, leases);
    try {
      store.checkAttachedKeysHeld();
    } catch (IllegalStateException e) {
      throw new CorruptSnapshotException(file, e.getMessage(), e);
    }
    return new LoadedSnapshot(header.getTerm(), header.getIndex(), store,
        MemberDirectory.of(header.getMembersList()));
  }

  private static LeaseTable readLeases(Path file, SnapshotInput input, long bodyBytes)
      throws IOException {
    int sectionBytes = input.readVarint32();
    if (sectionBytes < 0 || sectionBytes > Math.min(bodyBytes, LEASE_SECTION_BYTES_CEILING)) {
      throw new CorruptSnapshotException(file, "lease section of " + sectionBytes
          + " bytes in a file of " + bodyBytes);
    }
    byte[] section = input.readBytes(sectionBytes);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(section));
    try {
      LeaseTable leases = LeaseTable.readFrom(in, RequestLimits.MAX_LEASES);
      if (in.available() > 0) {
        throw new CorruptSnapshotException(file, "bytes left over after the lease table");
      }
      return leases;
    } catch (EOFException e) {
      throw new CorruptSnapshotException(file, "the lease table ends early", e);
    } catch (CorruptSnapshotException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptSnapshotException(file, e.getMessage(), e);
    }
  }

  private static int length(Path file, SnapshotInput in, int ceiling) throws IOException {
    int length = in.readVarint32();
    if (length < 0 || length > ceiling) {
      throw new CorruptSnapshotException(file, "length " + length + " out of range");
    }
    return length;
  }

  private static SnapshotHeader header(
      LruTtlMap map, MemberDirectory members, long term, long index) {
    MapState state = map.state();
    return SnapshotHeader.newBuilder()
        .setTerm(term)
        .setIndex(index)
        .setEntryCount(map.size())
        .setBytes(map.bytes())
        .setRevision(state.revision())
        .setClockMillis(state.clockMillis())
        .setConfigured(state.configured())
        .setSettings(SettingsMapping.toProto(state.settings()))
        .setEvictions(state.evictions())
        .setExpirations(state.expirations())
        .addAllMembers(members.all())
        .build();
  }

  private static MapState mapState(SnapshotHeader header) {
    return new MapState(
        SettingsMapping.fromProto(header.getSettings()),
        header.getConfigured(),
        header.getRevision(),
        header.getClockMillis(),
        header.getEvictions(),
        header.getExpirations());
  }
}
