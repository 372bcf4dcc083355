package io.pensieve.statemachine.snapshot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.api.RequestLimits;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.statemachine.SettingsMapping;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.LeaseTable;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.MapContents;
import io.pensieve.store.RequestBounds;
import io.pensieve.store.Settings;
import io.pensieve.store.SettingsUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFormatTest {
  private static final long TERM = 3;
  private static final long INDEX = 1234;
  /** Its length, then format, next id and count: what a snapshot holds after its entries. */
  private static final int EMPTY_LEASE_SECTION_BYTES = 1 + 4 + 8 + 4;
  private static final MemberDirectory MEMBERS = MemberDirectory.of(List.of(
      MemberAddresses.newBuilder().setMemberId("n2").setRestAddress("10.0.0.2:8002")
          .setGrpcAddress("10.0.0.2:9002").build(),
      MemberAddresses.newBuilder().setMemberId("n1").setRestAddress("10.0.0.1:8001")
          .setGrpcAddress("10.0.0.1:9001").build()));

  @TempDir
  Path dir;

  @Test
  void entriesLongerThanAReadBlockAndAcrossBlockBoundariesRoundTrip() throws IOException {
    LeasedMap original = new LeasedMap();
    original.map().configure(SettingsUpdate.replacingAll(new Settings(0, 0, EvictionPolicy.LRU,
        0, 1_024, Settings.VALUE_BYTES_CEILING)), false, 1);
    original.grant(5, 60_000, 1);
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 4_000; i++) {
      // sizes that put block boundaries inside keys, values and numbers alike
      byte[] key = new byte[1 + random.nextInt(300)];
      random.nextBytes(key);
      key[0] = (byte) (i >> 8);
      key[key.length - 1] = (byte) i;
      byte[] value = new byte[random.nextInt(2_000)];
      random.nextBytes(value);
      OptionalLong ttl = i % 4 == 0 ? OptionalLong.of(60_000 + i) : OptionalLong.empty();
      original.put(key, value, ttl, i % 10 == 0 ? 5 : 0, false, 2 + i);
      if (i == 1_000 || i == 3_000) {
        byte[] large = new byte[i == 1_000 ? 3 * SnapshotInput.BLOCK_BYTES + 7
            : Settings.VALUE_BYTES_CEILING];
        random.nextBytes(large);
        original.put(("large-" + i).getBytes(UTF_8), large, OptionalLong.empty(), 0, false, 2 + i);
      }
    }
    byte[] written = bytesOf(original);
    Path file = dir.resolve("snapshot." + TERM + "_" + INDEX);
    Files.write(file, written);

    LeasedMap loaded = SnapshotFormat.read(file).store();

    loaded.checkInvariants();
    assertThat(MapContents.of(loaded.map())).isEqualTo(MapContents.of(original.map()));
    assertThat(loaded.leases().list()).isEqualTo(original.leases().list());
    assertThat(bytesOf(loaded)).isEqualTo(written);
    // cut inside a large value, at a block's end, and inside the lease section: each refused
    for (int length : new int[] {written.length / 2, SnapshotInput.BLOCK_BYTES,
        written.length - 4 - EMPTY_LEASE_SECTION_BYTES}) {
      Files.write(file, Arrays.copyOf(written, length));
      assertThatThrownBy(() -> SnapshotFormat.read(file))
          .isInstanceOf(CorruptSnapshotException.class)
          .hasMessageStartingWith("snapshot " + file + " is corrupt and was not loaded: ");
    }
  }

  @Test
  void anEmptyMapRoundTrips() throws IOException {
    LruTtlMap empty = new LruTtlMap();
    Path file = write(empty);

    assertThat(MapContents.of(SnapshotFormat.read(file).map())).isEqualTo(MapContents.of(empty));
  }

  @Test
  void everySingleFlippedByteIsDetectedAndTheSnapshotRefused() throws IOException {
    byte[] good = bytesOf(sampleMap());
    Path file = dir.resolve("snapshot.3_1234");

    for (int position = 0; position < good.length; position++) {
      for (int bit = 0; bit < 8; bit += 3) {
        byte[] bad = good.clone();
        bad[position] ^= (byte) (1 << bit);
        Files.write(file, bad);

        int at = position;
        assertThatThrownBy(() -> SnapshotFormat.read(file))
            .as("bit %d of byte %d of %d", bit, at, good.length)
            .isInstanceOf(CorruptSnapshotException.class)
            .hasMessageStartingWith("snapshot " + file + " is corrupt and was not loaded: ");
      }
    }
  }

  @Test
  void aTruncatedOrExtendedFileIsRefused() throws IOException {
    byte[] good = bytesOf(sampleMap());
    Path file = dir.resolve("snapshot.3_1234");

    for (int length = 0; length < good.length; length++) {
      Files.write(file, Arrays.copyOf(good, length));
      assertThatThrownBy(() -> SnapshotFormat.read(file))
          .isInstanceOf(CorruptSnapshotException.class);
    }
    Files.write(file, Arrays.copyOf(good, good.length + 1));
    assertThatThrownBy(() -> SnapshotFormat.read(file))
        .isInstanceOf(CorruptSnapshotException.class);
  }

  @Test
  void aNewerFormatVersionIsRefusedByName() throws IOException {
    byte[] snapshot = bytesOf(sampleMap());
    ByteBuffer.wrap(snapshot).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 3);
    Path file = dir.resolve("snapshot.3_1234");
    Files.write(file, withValidCrc(snapshot));

    assertThatThrownBy(() -> SnapshotFormat.read(file))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageEndingWith(
            "format version 3 is not supported (this build reads versions 1 and 2)");
  }

  @Test
  void leasesAndTheirKeysRoundTripAndTheLoadedStoreBehavesAlike() throws IOException {
    LeasedMap original = leasedSample();
    Path file = dir.resolve("snapshot." + TERM + "_" + INDEX);
    Files.write(file, bytesOf(original));

    LeasedMap loaded = SnapshotFormat.read(file).store();

    assertThat(loaded.leases().list()).isEqualTo(original.leases().list());
    assertThat(loaded.leases().nextId()).isEqualTo(original.leases().nextId());
    assertThat(loaded.leaseOf(utf8("a"))).isEqualTo(7);
    assertThat(loaded.leaseOf(utf8("c"))).isZero();
    assertThat(MapContents.of(loaded.map())).isEqualTo(MapContents.of(original.map()));
    assertThat(bytesOf(loaded)).isEqualTo(bytesOf(original));
    // the loaded store detaches and revokes as the original does
    for (LeasedMap store : List.of(original, loaded)) {
      store.map().delete(utf8("b"), Optional.empty(), false, 2_000);
      assertThat(store.revoke(7, 2_001)).hasValueSatisfying(r -> assertThat(r.deleted()).isOne());
      store.checkInvariants();
    }
    assertThat(bytesOf(loaded)).isEqualTo(bytesOf(original));
  }

  @Test
  void aVersion1SnapshotWrittenBeforeLeasesStillLoadsWithNoLease() throws IOException {
    LruTtlMap map = sampleMap();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotFormat.write(new LeasedMap(map, new LeaseTable()), MEMBERS, TERM, INDEX, out,
        SnapshotFormat.FORMAT_VERSION_WITHOUT_LEASES);
    Path file = dir.resolve("snapshot." + TERM + "_" + INDEX);
    Files.write(file, out.toByteArray());

    LoadedSnapshot loaded = SnapshotFormat.read(file);

    assertThat(ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getInt(4))
        .isEqualTo(1);
    assertThat(MapContents.of(loaded.map())).isEqualTo(MapContents.of(map));
    assertThat(loaded.store().leases().size()).isZero();
    assertThat(loaded.store().grant(0, 10_000, 5_000))
        .isInstanceOf(io.pensieve.store.GrantOutcome.Granted.class);
  }

  @Test
  void aLeaseHoldingAKeyTheMapLacksIsRefused() throws IOException {
    LeasedMap store = new LeasedMap();
    store.grant(7, 10_000, 1);
    store.put(utf8("a"), utf8("1"), OptionalLong.empty(), 7, false, 2);
    byte[] snapshot = bytesOf(store);
    // rename the entry's key (it sits before its value and the lease section) but not the
    // lease's copy of it
    int entryKey = indexOf(snapshot, new byte[] {1, 'a', 1, '1'}) + 1;
    snapshot[entryKey] = 'b';
    Path file = dir.resolve("snapshot.3_1234");
    Files.write(file, withValidCrc(snapshot));

    assertThatThrownBy(() -> SnapshotFormat.read(file))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageEndingWith("store invariant broken: lease 7 holds a key the map does not");
  }

  /** Keys on two leases, one moved between them, one left without, renewals and a revoke. */
  private static LeasedMap leasedSample() {
    LeasedMap store = new LeasedMap();
    store.grant(7, 10_000, 1_000);
    store.grant(0, 60_000, 1_001);
    store.grant(0, 5_000, 1_002);
    store.put(utf8("a"), utf8("1"), OptionalLong.empty(), 7, false, 1_003);
    store.put(utf8("b"), utf8("2"), OptionalLong.of(100_000), 8, false, 1_004);
    store.put(utf8("b"), utf8("2"), OptionalLong.empty(), 7, false, 1_005);
    store.put(utf8("c"), utf8("3"), OptionalLong.empty(), 9, false, 1_006);
    store.put(utf8("c"), utf8("4"), OptionalLong.empty(), 0, false, 1_007);
    store.keepAlive(List.of(7L, 8L), 1_500);
    store.revoke(9, 1_600);
    store.checkInvariants();
    return store;
  }

  @Test
  void aDuplicateKeyIsRefusedEvenWithAValidChecksum() throws IOException {
    LruTtlMap map = new LruTtlMap();
    map.put("k".getBytes(UTF_8), "a".getBytes(UTF_8), OptionalLong.empty(), false, 1);
    map.put("j".getBytes(UTF_8), "a".getBytes(UTF_8), OptionalLong.empty(), false, 1);
    byte[] snapshot = bytesOf(map);
    // the second entry's key sits 9 bytes before the trailer: key, value, three varints
    int secondKey = snapshot.length - 4 - EMPTY_LEASE_SECTION_BYTES - 6;
    assertThat(snapshot[secondKey]).isEqualTo((byte) 'j');
    snapshot[secondKey] = 'k';
    Path file = dir.resolve("snapshot.3_1234");
    Files.write(file, withValidCrc(snapshot));

    assertThatThrownBy(() -> SnapshotFormat.read(file))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageEndingWith("duplicate key");
  }

  @Test
  void entriesThatShareAVersionLoadAsTheTransactionThatWroteThemLeftThem() throws IOException {
    LruTtlMap map = new LruTtlMap();
    map.put(utf8("k"), utf8("a"), OptionalLong.empty(), false, 1);
    map.put(utf8("j"), utf8("a"), OptionalLong.empty(), false, 1);
    byte[] snapshot = bytesOf(map);
    // the second entry ends in version, create revision and expiry, one byte each, then the CRC
    int secondVersion = snapshot.length - 4 - EMPTY_LEASE_SECTION_BYTES - 3;
    assertThat(snapshot[secondVersion]).isEqualTo((byte) 2);
    snapshot[secondVersion] = 1;
    snapshot[secondVersion + 1] = 1;
    Path file = dir.resolve("snapshot.3_1234");
    Files.write(file, withValidCrc(snapshot));

    LruTtlMap loaded = SnapshotFormat.read(file).map();
    assertThat(loaded.get(utf8("k"), 1).orElseThrow().version()).isEqualTo(1);
    assertThat(loaded.get(utf8("j"), 1).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void aMapOverItsLruLimitsIsRefused() throws IOException {
    LruTtlMap map = new LruTtlMap();
    map.configure(SettingsUpdate.replacingAll(
        new Settings(2, 0, EvictionPolicy.LRU, 0, 16, 64)), false, 1);
    map.put(utf8("k"), utf8("a"), OptionalLong.empty(), false, 1);
    map.put(utf8("j"), utf8("a"), OptionalLong.empty(), false, 1);
    byte[] snapshot = bytesOf(map);
    // max_entries is the first field of the settings: lower it to one below the two entries
    int at = indexOf(snapshot, SettingsMapping.toProto(map.settings()).toByteArray());
    assertThat(snapshot[at + 1]).isEqualTo((byte) 2);
    snapshot[at + 1] = 1;
    Path file = dir.resolve("snapshot.3_1234");
    Files.write(file, withValidCrc(snapshot));

    assertThatThrownBy(() -> SnapshotFormat.read(file))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining(
            "map invariant broken: 2 entries of 132 bytes under lru with max_entries 1");
  }

  @Test
  void aSnapshotWrittenBeforeTheRequestBoundsExistedLoadsWithEachAtItsDefault() throws IOException {
    LruTtlMap map = sampleMap();
    byte[] snapshot = bytesOf(map);
    // unset bounds are written as nothing at all: the settings bytes of a build without them
    io.pensieve.proto.v1.Settings older = io.pensieve.proto.v1.Settings.newBuilder()
        .setMaxEntries(3)
        .setEvictionPolicy(io.pensieve.proto.v1.EvictionPolicy.EVICTION_POLICY_LRU)
        .setMaxKeyBytes(16)
        .setMaxValueBytes(64)
        .build();
    assertThat(SettingsMapping.toProto(map.settings()).toByteArray())
        .isEqualTo(older.toByteArray());
    assertThat(indexOf(snapshot, older.toByteArray())).isPositive();
    Path file = dir.resolve("snapshot." + TERM + "_" + INDEX);
    Files.write(file, snapshot);

    Settings loaded = SnapshotFormat.read(file).map().settings();

    assertThat(loaded).isEqualTo(map.settings());
    assertThat(loaded.maxRangeEntries()).isEqualTo(RequestLimits.DEFAULT_RANGE_ENTRIES);
    assertThat(loaded.maxRangeBytes()).isEqualTo(RequestLimits.DEFAULT_RANGE_BYTES);
    assertThat(loaded.maxDeleteRangeKeys()).isEqualTo(RequestLimits.DEFAULT_DELETE_RANGE_KEYS);
    assertThat(loaded.maxTxnOps()).isEqualTo(RequestLimits.DEFAULT_TXN_OPS);
    assertThat(loaded.maxLeases()).isEqualTo(RequestLimits.DEFAULT_LEASES);
  }

  @Test
  void setRequestBoundsSurviveASnapshot() throws IOException {
    LruTtlMap map = sampleMap();
    map.configure(new SettingsUpdate(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
        OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(5),
        OptionalLong.of(RequestLimits.MIN_RANGE_BYTES), OptionalInt.of(7), OptionalInt.of(9),
        OptionalInt.of(11)), false, 2_000);
    Path file = dir.resolve("snapshot." + TERM + "_" + INDEX);
    Files.write(file, bytesOf(map));

    Settings loaded = SnapshotFormat.read(file).map().settings();

    assertThat(loaded.requestBounds())
        .isEqualTo(new RequestBounds(5, RequestLimits.MIN_RANGE_BYTES, 7, 9, 11));
    assertThat(SnapshotFormat.digest(SnapshotFormat.read(file).store(), MEMBERS))
        .isEqualTo(SnapshotFormat.digest(new LeasedMap(map, new LeaseTable()), MEMBERS));
  }

  // ---- helpers ----

  /** A few entries with every feature: TTLs, overwrites, settings, counters. */
  private static LruTtlMap sampleMap() {
    LruTtlMap map = new LruTtlMap();
    map.configure(SettingsUpdate.replacingAll(
        new Settings(3, 0, EvictionPolicy.LRU, 0, 16, 64)), false, 1_000);
    map.put("alpha".getBytes(UTF_8), "one".getBytes(UTF_8), OptionalLong.of(500), false, 1_000);
    map.put("beta".getBytes(UTF_8), "two".getBytes(UTF_8), OptionalLong.empty(), false, 1_001);
    map.put("gamma".getBytes(UTF_8), new byte[] {0, -1, 2}, OptionalLong.of(50), false, 1_002);
    map.put("alpha".getBytes(UTF_8), "uno".getBytes(UTF_8), OptionalLong.of(900), false, 1_003);
    map.put("delta".getBytes(UTF_8), "four".getBytes(UTF_8), OptionalLong.empty(), false, 1_004);
    map.delete("beta".getBytes(UTF_8), Optional.empty(), false, 1_005);
    return map;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytesOf(LruTtlMap map) {
    return bytesOf(new LeasedMap(map, new LeaseTable()));
  }

  private static byte[] bytesOf(LeasedMap store) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      SnapshotFormat.write(store, MEMBERS, TERM, INDEX, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private Path write(LruTtlMap map) throws IOException {
    Path file = dir.resolve("snapshot." + TERM + "_" + INDEX);
    Files.write(file, bytesOf(map));
    return file;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static byte[] withValidCrc(byte[] snapshot) {
    CRC32C crc = new CRC32C();
    crc.update(snapshot, 0, snapshot.length - 4);
    ByteBuffer.wrap(snapshot).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(snapshot.length - 4, (int) crc.getValue());
    return snapshot;
  }
}
