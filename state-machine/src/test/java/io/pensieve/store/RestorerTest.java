package io.pensieve.store;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bulk load a snapshot goes through: entries are inserted without a lookup each and the map's
 * structure is not walked again afterwards, so what proves a loaded map sound is here: the
 * restored map keeps every invariant, and each thing no command sequence could produce is
 * refused.
 */
class RestorerTest {
  private static final long T0 = 1_000_000;

  @Test
  void aMapRestoredFromItsEntriesKeepsEveryInvariantAndItsOrders() {
    LruTtlMap original = new LruTtlMap();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 5_000; i++) {
      int k = random.nextInt(2_000);
      // long shared prefixes: the key order's sort must look past its first eight bytes
      byte[] key = String.format("prefix-shared-by-all/%05d", k).getBytes(US_ASCII);
      OptionalLong ttl = k % 3 == 0 ? OptionalLong.of(1_000 + k % 7) : OptionalLong.of(0);
      original.put(key, new byte[k % 50], ttl, false, T0 + i);
    }
    original.delete(bytes("prefix-shared-by-all/00003"), Optional.empty(), false, T0);

    LruTtlMap restored = restore(original, entriesOf(original));

    restored.checkInvariants();
    assertThat(MapContents.of(restored)).isEqualTo(MapContents.of(original));
    assertThat(restored.range(bytes("prefix"), new byte[] {0}, 0, 0, T0))
        .isEqualTo(original.range(bytes("prefix"), new byte[] {0}, 0, 0, T0));
    // expiry order: both remove the same entries in the same order as time passes
    for (long t = T0 + 1_000; t < T0 + 8_000; t += 500) {
      assertThat(restored.expire(7, t)).isEqualTo(original.expire(7, t));
      assertThat(MapContents.of(restored)).isEqualTo(MapContents.of(original));
    }
    restored.checkInvariants();
  }

  @Test
  void aKeyThatComesTwiceIsRefusedWhereverTheTwoSit() {
    LruTtlMap original = new LruTtlMap();
    for (int i = 0; i < 1_000; i++) {
      original.put(bytes(String.format("a-key-longer-than-eight-bytes-%04d", i)), bytes("v"),
          OptionalLong.of(0), false, T0);
    }
    for (int[] twins : new int[][] {{0, 999}, {500, 501}, {999, 3}}) {
      List<Entry> entries = entriesOf(original);
      Entry copied = entries.get(twins[0]);
      Entry replaced = entries.get(twins[1]);
      entries.set(twins[1], new Entry(copied.key(), replaced.value(), replaced.version(),
          replaced.createRevision(), replaced.expireAtMillis()));

      assertThatThrownBy(() -> restore(original, entries))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the snapshot holds a duplicate key");
    }
  }

  @Test
  void entriesNoCommandsCouldHaveWrittenAreRefused() {
    LruTtlMap original = new LruTtlMap();
    original.put(bytes("k"), bytes("v"), OptionalLong.of(0), false, T0);
    LruTtlMap.Restorer restorer = LruTtlMap.restorer(original.state(), 1);

    assertThatThrownBy(() -> restorer.add(bytes("j"), bytes("v"), 2, 1, 0))
        .hasMessageContaining("revisions out of order");
    assertThatThrownBy(() -> restorer.add(new byte[0], bytes("v"), 1, 1, 0))
        .hasMessage("key length 0 out of range");
    assertThatThrownBy(() -> restorer.add(bytes("j"), bytes("v"), 1, 1, -5))
        .hasMessage("negative expiry time -5");
  }

  @Test
  void totalsOtherThanDeclaredAreRefused() {
    LruTtlMap original = new LruTtlMap();
    original.put(bytes("k"), bytes("v"), OptionalLong.of(0), false, T0);
    LruTtlMap.Restorer restorer = LruTtlMap.restorer(original.state(), 1);
    restorer.add(bytes("k"), bytes("v"), 1, 1, 0);

    assertThatThrownBy(() -> restorer.finish(2, original.bytes()))
        .hasMessage("declared 2 entries of " + original.bytes() + " bytes, found 1 of "
            + original.bytes());
  }

  private static LruTtlMap restore(LruTtlMap original, List<Entry> entries) {
    LruTtlMap.Restorer restorer = LruTtlMap.restorer(original.state(), entries.size());
    for (Entry e : entries) {
      restorer.add(e.key(), e.value(), e.version(), e.createRevision(), e.expireAtMillis());
    }
    return restorer.finish(original.size(), original.bytes());
  }

  private static List<Entry> entriesOf(LruTtlMap map) {
    return new ArrayList<>(MapContents.of(map).entries());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(US_ASCII);
  }
}
