package io.pensieve.statemachine.snapshot;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
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
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
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
    long fileBytes = Files.size(file);
    if (fileBytes < MAGIC.length + 4 + 1 + TRAILER_BYTES) {
      throw new CorruptSnapshotException(file, "only " + fileBytes + " bytes long");
    }
    long bodyBytes = fileBytes - TRAILER_BYTES;
    try (InputStream in = Files.newInputStream(file)) {
      CRC32C crc = new CRC32C();
      CodedInputStream coded = CodedInputStream.newInstance(
          new CheckedInputStream(new BoundedInputStream(in, bodyBytes), crc), BUFFER_BYTES);
      LoadedSnapshot loaded = readBody(file, coded, bodyBytes);
      if (!coded.isAtEnd()) {
        throw new CorruptSnapshotException(file, "bytes left over after the last entry");
      }
      int stored = ByteBuffer.wrap(in.readNBytes(TRAILER_BYTES)).order(ByteOrder.LITTLE_ENDIAN)
          .getInt();
      int computed = (int) crc.getValue();
      if (stored != computed) {
        throw new CorruptSnapshotException(file, String.format(
            "CRC32C mismatch: stored %08x, computed %08x", stored, computed));
      }
      return loaded;
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new CorruptSnapshotException(file, e.getMessage(), e);
    }
  }

  private static LoadedSnapshot readBody(Path file, CodedInputStream coded, long bodyBytes)
      throws IOException {
    byte[] magic = coded.readRawBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptSnapshotException(file, "not a Pensieve snapshot (bad magic)");
    }
    int version = coded.readFixed32();
    if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITHOUT_LEASES) {
      throw new CorruptSnapshotException(file, "format version " + version
          + " is not supported (this build reads versions " + FORMAT_VERSION_WITHOUT_LEASES
          + " and " + FORMAT_VERSION + ")");
    }
    int headerBytes = coded.readRawVarint32();
    if (headerBytes < 0 || headerBytes > HEADER_BYTES_CEILING) {
      throw new CorruptSnapshotException(file, "header length " + headerBytes + " out of range");
    }
    SnapshotHeader header = SnapshotHeader.parseFrom(coded.readRawBytes(headerBytes));
    long entryCount = header.getEntryCount();
    if (entryCount < 0 || entryCount > bodyBytes / ENTRY_BYTES_FLOOR) {
      throw new CorruptSnapshotException(file, "entry count " + entryCount
          + " impossible in a file of " + bodyBytes + " bytes");
    }

    LruTtlMap.Restorer restorer = LruTtlMap.restorer(mapState(header), (int) entryCount);
    for (long i = 0; i < entryCount; i++) {
      byte[] key = coded.readRawBytes(length(file, coded, Settings.KEY_BYTES_CEILING));
      byte[] value = coded.readRawBytes(length(file, coded, Settings.VALUE_BYTES_CEILING));
      restorer.add(key, value, coded.readRawVarint64(), coded.readRawVarint64(),
          coded.readRawVarint64());
      // the stream's byte counter is an int; keep it from overflowing on large files
      coded.resetSizeCounter();
    }
    LruTtlMap map = restorer.finish(entryCount, header.getBytes());
    LeaseTable leases = version == FORMAT_VERSION_WITHOUT_LEASES
        ? new LeaseTable(LeasedMap.MAX_LEASES)
        : readLeases(file, coded, bodyBytes);
    LeasedMap store = new LeasedMap(map, leases);
    try {
      store.checkAttachedKeysHeld();
    } catch (IllegalStateException e) {
      throw new CorruptSnapshotException(file, e.getMessage(), e);
    }
    return new LoadedSnapshot(header.getTerm(), header.getIndex(), store,
        MemberDirectory.of(header.getMembersList()));
  }

  private static LeaseTable readLeases(Path file, CodedInputStream coded, long bodyBytes)
      throws IOException {
    int sectionBytes = coded.readRawVarint32();
    if (sectionBytes < 0 || sectionBytes > Math.min(bodyBytes, LEASE_SECTION_BYTES_CEILING)) {
      throw new CorruptSnapshotException(file, "lease section of " + sectionBytes
          + " bytes in a file of " + bodyBytes);
    }
    byte[] section = coded.readRawBytes(sectionBytes);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(section));
    try {
      LeaseTable leases = LeaseTable.readFrom(in, LeasedMap.MAX_LEASES);
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

  private static int length(Path file, CodedInputStream coded, int ceiling) throws IOException {
    int length = coded.readRawVarint32();
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

  /** Stops reading at a given length, so the trailer is never fed to the CRC. */
  private static final class BoundedInputStream extends FilterInputStream {
    private long remaining;

    BoundedInputStream(InputStream in, long length) {
      super(in);
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(buffer, offset, (int) Math.min(length, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public void close() {
      // the caller still reads the trailer from the underlying stream
    }
  }
}
