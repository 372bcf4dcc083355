package io.pensieve.store;

import static io.pensieve.store.LruTtlMapTest.bytes;
import static io.pensieve.store.LruTtlMapTest.keysInLruOrder;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.api.KeyRanges;
import io.pensieve.store.DeleteRangeOutcome.RangeDeleted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Range reads and delete-range: etcd's bounds, paging, expiry and LRU order untouched. */
class RangeTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final byte[] NO_END = {};
  private static final byte[] FROM_KEY = {0};

  @Nested
  class Bounds {
    @Test
    void anEmptyRangeEndReadsTheKeyAlone() {
      LruTtlMap map = mapOf("a", "ab", "b");

      assertThat(keys(map.range(bytes("a"), NO_END, 0, 0, T0))).containsExactly("a");
      assertThat(keys(map.range(bytes("absent"), NO_END, 0, 0, T0))).isEmpty();
    }

    @Test
    void aRangeEndAtOrBeforeTheKeyReadsNothing() {
      LruTtlMap map = mapOf("a", "b", "c");

      assertThat(map.range(bytes("b"), bytes("b"), 0, 0, T0).entries()).isEmpty();
      assertThat(map.range(bytes("c"), bytes("a"), 0, 0, T0).entries()).isEmpty();
      assertThat(map.count(bytes("c"), bytes("a"), T0)).isZero();
    }

    @Test
    void aZeroByteEndReadsEveryKeyFromTheKeyOn() {
      LruTtlMap map = mapOf("c", "a", "b", "bb");

      assertThat(keys(map.range(bytes("b"), FROM_KEY, 0, 0, T0)))
          .containsExactly("b", "bb", "c");
      assertThat(keys(map.range(new byte[0], FROM_KEY, 0, 0, T0)))
          .containsExactly("a", "b", "bb", "c");
    }

    @Test
    void theEndIsExcludedAndKeysCompareAsUnsignedBytes() {
      LruTtlMap map = new LruTtlMap();
      for (byte[] key : List.of(bytes("a"), new byte[] {'a', (byte) 0x80}, bytes("a\u007f"),
          bytes("b"))) {
        map.put(key, bytes("v"), OptionalLong.empty(), false, T0);
      }

      List<Entry> entries = map.range(bytes("a"), bytes("b"), 0, 0, T0).entries();

      assertThat(entries).extracting(Entry::key).containsExactly(
          bytes("a"), bytes("a\u007f"), new byte[] {'a', (byte) 0x80});
    }

    @Test
    void aPrefixEndingIn0xffReadsExactlyItsKeys() {
      byte[] prefix = {'a', (byte) 0xff};
      LruTtlMap map = new LruTtlMap();
      List<byte[]> keys = List.of(bytes("a"), prefix, new byte[] {'a', (byte) 0xff, 0},
          new byte[] {'a', (byte) 0xff, (byte) 0xff}, bytes("b"), new byte[] {(byte) 0xff});
      keys.forEach(k -> map.put(k, bytes("v"), OptionalLong.empty(), false, T0));

      RangeResult under = map.range(prefix, KeyRanges.prefixEnd(prefix), 0, 0, T0);
      RangeResult all = map.range(new byte[] {(byte) 0xff}, KeyRanges.prefixEnd(new byte[] {
          (byte) 0xff}), 0, 0, T0);

      assertThat(under.entries()).extracting(Entry::key)
          .containsExactly(keys.get(1), keys.get(2), keys.get(3));
      assertThat(all.entries()).extracting(Entry::key).containsExactly(keys.get(5));
    }
  }

  @Nested
  class Paging {
    @Test
    void pagesByLimitYieldEachKeyOnceInOrder() {
      LruTtlMap map = smallNodeMapOf(500);

      List<String> seen = pageThrough(map, 7, 0);

      assertThat(seen).containsExactlyElementsOf(allKeys(500));
    }

    @Test
    void pagesByByteBudgetYieldEachKeyOnceInOrder() {
      LruTtlMap map = smallNodeMapOf(500);

      // each entry is 8 key + 7 value bytes: a budget of 50 holds three
      List<String> seen = pageThrough(map, 0, 50);

      assertThat(seen).containsExactlyElementsOf(allKeys(500));
    }

    @Test
    void aByteBudgetSmallerThanOneEntryStillReturnsOne() {
      LruTtlMap map = mapOf("a", "b");

      RangeResult page = map.range(bytes("a"), FROM_KEY, 0, 1, T0);

      assertThat(keys(page)).containsExactly("a");
      assertThat(page.more()).isTrue();
      assertThat(page.nextKey()).isEqualTo(bytes("b"));
    }

    @Test
    void theLastPageSaysThereIsNoMore() {
      LruTtlMap map = mapOf("a", "b");

      RangeResult page = map.range(bytes("a"), FROM_KEY, 2, 0, T0);

      assertThat(page.more()).isFalse();
      assertThat(page.nextKey()).isEmpty();
    }

    @Test
    void keysOnlyLeavesValuesEmptyAndCountsOnlyKeysAgainstTheBudget() {
      LruTtlMap map = mapOf("a", "b", "c");

      RangeResult page = map.rangeKeys(bytes("a"), FROM_KEY, 0, 2, T0);

      assertThat(keys(page)).containsExactly("a", "b");
      assertThat(page.entries()).allSatisfy(e -> assertThat(e.value()).isEmpty());
      assertThat(map.count(bytes("a"), FROM_KEY, T0)).isEqualTo(3);
    }

    private List<String> pageThrough(LruTtlMap map, int limit, long maxBytes) {
      List<String> seen = new ArrayList<>();
      byte[] from = bytes("key-");
      byte[] end = KeyRanges.prefixEnd(from);
      for (int pages = 0; pages < 1_000; pages++) {
        RangeResult page = map.range(from, end, limit, maxBytes, T0);
        assertThat(page.entries()).isNotEmpty();
        seen.addAll(keys(page));
        if (!page.more()) {
          return seen;
        }
        from = page.nextKey();
      }
      throw new AssertionError("paging did not end");
    }
  }

  @Test
  void expiredEntriesNeverAppear() {
    LruTtlMap map = new LruTtlMap();
    map.put(bytes("a"), bytes("v"), OptionalLong.of(10), false, T0);
    map.put(bytes("b"), bytes("v"), OptionalLong.empty(), false, T0);
    map.put(bytes("c"), bytes("v"), OptionalLong.of(10), false, T0);

    RangeResult before = map.range(bytes("a"), FROM_KEY, 0, 0, T0 + 9);
    RangeResult after = map.range(bytes("a"), FROM_KEY, 1, 0, T0 + 10);

    assertThat(keys(before)).containsExactly("a", "b", "c");
    assertThat(keys(after)).containsExactly("b");
    assertThat(after.more()).isFalse();
    assertThat(map.count(bytes("a"), FROM_KEY, T0 + 10)).isEqualTo(1);
  }

  @Test
  void aRangeReadLeavesLruOrderAndEverythingElseAsItWas() {
    LruTtlMap map = new LruTtlMap(new Settings(3, 0, EvictionPolicy.LRU, 0, 64, 1024));
    for (String key : List.of("c", "a", "b")) {
      map.put(bytes(key), bytes("v"), OptionalLong.empty(), false, T0);
    }
    MapContents before = MapContents.of(map);

    map.range(bytes("a"), FROM_KEY, 0, 0, T0);
    map.rangeKeys(bytes("a"), bytes("b"), 1, 0, T0);
    map.count(bytes("a"), FROM_KEY, T0);
    map.put(bytes("d"), bytes("v"), OptionalLong.empty(), false, T0);

    assertThat(before.entries()).extracting(e -> new String(e.key(), UTF_8))
        .containsExactly("c", "a", "b");
    assertThat(keysInLruOrder(map)).containsExactly("a", "b", "d");
  }

  @Nested
  class DeleteRange {
    @Test
    void deletesEveryKeyUnderAPrefixAtOneRevision() {
      LruTtlMap map = mapOf("a", "p/1", "p/2", "p/3", "q");
      long revision = map.state().revision();

      DeleteRangeOutcome outcome =
          map.deleteRange(bytes("p/"), KeyRanges.prefixEnd(bytes("p/")), 10, true, T0);

      assertThat(outcome).isInstanceOfSatisfying(RangeDeleted.class, deleted -> {
        assertThat(deleted.revision()).isEqualTo(revision + 1);
        assertThat(deleted.deleted()).isEqualTo(3);
        assertThat(deleted.previous()).extracting(e -> new String(e.key(), UTF_8))
            .containsExactly("p/1", "p/2", "p/3");
      });
      assertThat(map.state().revision()).isEqualTo(revision + 1);
      assertThat(keysInLruOrder(map)).containsExactly("a", "q");
      map.checkInvariants();
    }

    @Test
    void refusesPastMaxKeysNamingTheBoundAndDeletesNothing() {
      LruTtlMap map = mapOf("p/1", "p/2", "p/3");
      MapContents before = MapContents.of(map);

      DeleteRangeOutcome outcome = map.deleteRange(bytes("p/"), FROM_KEY, 2, false, T0);

      assertThat(outcome).isEqualTo(new Refused(Refusal.INVALID_ARGUMENT,
          "the range holds more than max_delete_range_keys 2 live keys; delete it in smaller ranges"));
      assertThat(MapContents.of(map)).isEqualTo(before);
    }

    @Test
    void deletingNothingLeavesTheRevisionAlone() {
      LruTtlMap map = mapOf("a");
      long revision = map.state().revision();

      DeleteRangeOutcome outcome = map.deleteRange(bytes("x"), FROM_KEY, 5, true, T0);

      assertThat(outcome).isEqualTo(new RangeDeleted(revision, 0, List.of()));
      assertThat(map.state().revision()).isEqualTo(revision);
    }

    @Test
    void expiredKeysInTheRangeGoAsExpirationsAndDoNotCountAgainstTheBound() {
      LruTtlMap map = new LruTtlMap();
      // more expired keys than a command's own expiry sweep removes, so the range meets some
      int expired = LruTtlMap.EXPIRED_REMOVED_PER_COMMAND + 5;
      for (int i = 0; i < expired; i++) {
        map.put(bytes("p/" + i), bytes("v"), OptionalLong.of(5), false, T0);
      }
      map.put(bytes("p/live"), bytes("v"), OptionalLong.empty(), false, T0);

      DeleteRangeOutcome outcome = map.deleteRange(bytes("p/"), FROM_KEY, 1, true, T0 + 5);

      assertThat(outcome).isInstanceOfSatisfying(RangeDeleted.class, deleted -> {
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(deleted.previous()).extracting(Entry::key).containsExactly(bytes("p/live"));
      });
      assertThat(map.size()).isZero();
      assertThat(map.state().expirations()).isEqualTo(expired);
      map.checkInvariants();
    }

    @Test
    void refusesAnEmptyKeyAloneAndANonPositiveBound() {
      LruTtlMap map = mapOf("a");

      assertThat(map.deleteRange(new byte[0], NO_END, 5, false, T0))
          .isEqualTo(new Refused(Refusal.INVALID_ARGUMENT, "key must not be empty"));
      assertThat(map.deleteRange(bytes("a"), NO_END, 0, false, T0))
          .isEqualTo(new Refused(Refusal.INVALID_ARGUMENT, "max_keys must be at least 1, got 0"));
      assertThat(map.size()).isEqualTo(1);
    }
  }

  @Test
  void aMapLoadedFromItsEntriesKeepsTheKeyOrder() {
    LruTtlMap original = smallNodeMapOf(300);
    for (int i = 0; i < 300; i += 3) {
      original.delete(bytes(key(i)), Optional.empty(), false, T0);
    }
    LruTtlMap.Restorer restorer = LruTtlMap.restorer(original.state(), original.size());
    original.checkInvariants();
    try {
      original.forEachInLruOrder(e -> restorer.add(copy(e.buffer(), e.keyOffset(), e.keyLength()),
          copy(e.buffer(), e.valueOffset(), e.valueLength()), e.version(), e.createRevision(),
          e.expireAtMillis()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    LruTtlMap loaded = restorer.finish(original.size(), original.bytes());

    assertThat(loaded.range(bytes("key-"), FROM_KEY, 0, 0, T0))
        .isEqualTo(original.range(bytes("key-"), FROM_KEY, 0, 0, T0));
    loaded.put(bytes("key-00000"), bytes("v"), OptionalLong.empty(), false, T0);
    loaded.delete(bytes("key-00001"), Optional.empty(), false, T0);
    loaded.checkInvariants();
  }

  // ---- helpers ----

  private static LruTtlMap mapOf(String... keys) {
    LruTtlMap map = new LruTtlMap();
    for (String key : keys) {
      map.put(bytes(key), bytes("v"), OptionalLong.empty(), false, T0);
    }
    return map;
  }

  /** {@code count} keys written in a shuffled order into a map of tiny key order nodes. */
  private static LruTtlMap smallNodeMapOf(int count) {
    LruTtlMap map = LruTtlMap.withKeyOrderNodes(Settings.DEFAULTS, 4, 4);
    List<Integer> order = new ArrayList<>(IntStream.range(0, count).boxed().toList());
    Collections.shuffle(order, new Random(7));
    for (int i : order) {
      map.put(bytes(key(i)), bytes("value-" + (i % 10)), OptionalLong.empty(), false, T0);
    }
    map.checkInvariants();
    return map;
  }

  private static String key(int i) {
    return String.format("key-%04d", i);
  }

  private static List<String> allKeys(int count) {
    return IntStream.range(0, count).mapToObj(RangeTest::key).toList();
  }

  private static List<String> keys(RangeResult page) {
    return page.entries().stream().map(e -> new String(e.key(), UTF_8)).toList();
  }

  private static byte[] copy(byte[] buffer, int offset, int length) {
    return Arrays.copyOfRange(buffer, offset, offset + length);
  }
}
