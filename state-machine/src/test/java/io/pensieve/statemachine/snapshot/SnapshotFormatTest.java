package io.pensieve.statemachine.snapshot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.MapContents;
import io.pensieve.store.Programs.Step;
import io.pensieve.store.Programs;
import io.pensieve.store.Settings;
import io.pensieve.store.SettingsUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFormatTest {
  private static final long TERM = 3;
  private static final long INDEX = 1234;
  private static final MemberDirectory MEMBERS = MemberDirectory.of(List.of(
      MemberAddresses.newBuilder().setMemberId("n2").setRestAddress("10.0.0.2:8002")
          .setGrpcAddress("10.0.0.2:9002").build(),
      MemberAddresses.newBuilder().setMemberId("n1").setRestAddress("10.0.0.1:8001")
          .setGrpcAddress("10.0.0.1:9001").build()));

  @TempDir
  Path dir;

  @Property(tries = 300)
  void mapsFedTheSameCommandsWriteIdenticalSnapshots(@ForAll("programs") List<Step> program) {
    LruTtlMap first = new LruTtlMap();
    LruTtlMap second = new LruTtlMap();
    Programs.runAll(program, first, Programs.START_MILLIS);
    Programs.runAll(program, second, Programs.START_MILLIS);

    assertThat(bytesOf(first)).isEqualTo(bytesOf(second));
    assertThat(SnapshotFormat.digest(first, MEMBERS))
        .isEqualTo(SnapshotFormat.digest(second, MEMBERS));
  }

  @Property(tries = 300)
  void aLoadedSnapshotEqualsAndBehavesLikeTheMapThatWroteIt(
      @ForAll("programs") List<Step> before, @ForAll("programs") List<Step> after)
      throws IOException {
    LruTtlMap original = new LruTtlMap();
    long clock = Programs.runAll(before, original, Programs.START_MILLIS).endMillis();

    // jqwik does not inject JUnit's temporary directories
    Path file = Files.createTempFile("snapshot", "");
    LoadedSnapshot loaded;
    try {
      Files.write(file, bytesOf(original));
      loaded = SnapshotFormat.read(file);
    } finally {
      Files.delete(file);
    }

    assertThat(loaded.term()).isEqualTo(TERM);
    assertThat(loaded.index()).isEqualTo(INDEX);
    assertThat(MapContents.of(loaded.map())).isEqualTo(MapContents.of(original));
    assertThat(loaded.members().all()).containsExactlyElementsOf(MEMBERS.all());
    // same answers from here on: the rebuilt LRU list and expiry queue match too
    assertThat(Programs.runAll(after, loaded.map(), clock))
        .isEqualTo(Programs.runAll(after, original, clock));
    assertThat(bytesOf(loaded.map())).isEqualTo(bytesOf(original));
  }

  @Provide
  Arbitrary<List<Step>> programs() {
    return Programs.programs(150);
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
    ByteBuffer.wrap(snapshot).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
    Path file = dir.resolve("snapshot.3_1234");
    Files.write(file, withValidCrc(snapshot));

    assertThatThrownBy(() -> SnapshotFormat.read(file))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageEndingWith("format version 2 is not supported (this build reads version 1)");
  }

  @Test
  void aDuplicateKeyIsRefusedEvenWithAValidChecksum() throws IOException {
    LruTtlMap map = new LruTtlMap();
    map.put("k".getBytes(UTF_8), "a".getBytes(UTF_8), OptionalLong.empty(), false, 1);
    map.put("j".getBytes(UTF_8), "a".getBytes(UTF_8), OptionalLong.empty(), false, 1);
    byte[] snapshot = bytesOf(map);
    // the second entry's key sits 9 bytes before the trailer: key, value, three varints
    int secondKey = snapshot.length - 4 - 6;
    assertThat(snapshot[secondKey]).isEqualTo((byte) 'j');
    snapshot[secondKey] = 'k';
    Path file = dir.resolve("snapshot.3_1234");
    Files.write(file, withValidCrc(snapshot));

    assertThatThrownBy(() -> SnapshotFormat.read(file))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageEndingWith("duplicate key");
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

  private static byte[] bytesOf(LruTtlMap map) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      SnapshotFormat.write(map, MEMBERS, TERM, INDEX, out);
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

  private static byte[] withValidCrc(byte[] snapshot) {
    CRC32C crc = new CRC32C();
    crc.update(snapshot, 0, snapshot.length - 4);
    ByteBuffer.wrap(snapshot).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(snapshot.length - 4, (int) crc.getValue());
    return snapshot;
  }
}
