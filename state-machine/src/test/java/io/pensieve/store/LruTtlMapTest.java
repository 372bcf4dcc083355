package io.pensieve.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.store.ConfigureOutcome.Configured;
import io.pensieve.store.WriteOutcome.CompareFailed;
import io.pensieve.store.WriteOutcome.Deleted;
import io.pensieve.store.WriteOutcome.NotFound;
import io.pensieve.store.WriteOutcome.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LruTtlMapTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final OptionalLong DEFAULT_TTL = OptionalLong.empty();

  @Nested
  class LruEviction {
    @Test
    void evictsTheOldestWriteWhenMaxEntriesIsExceeded() {
      LruTtlMap map = mapWith(limits(3, 0, EvictionPolicy.LRU));
      put(map, "a", "1");
      put(map, "b", "2");
      put(map, "c", "3");

      put(map, "d", "4");

      assertThat(keysInLruOrder(map)).containsExactly("b", "c", "d");
      assertThat(map.state().evictions()).isEqualTo(1);
    }

    @Test
    void anOverwriteMakesTheKeyMostRecentlyUsed() {
      LruTtlMap map = mapWith(limits(3, 0, EvictionPolicy.LRU));
      put(map, "a", "1");
      put(map, "b", "2");
      put(map, "c", "3");
      put(map, "a", "1'");

      put(map, "d", "4");

      assertThat(keysInLruOrder(map)).containsExactly("c", "a", "d");
    }

    @Test
    void aTouchMakesKeysMostRecentlyUsedInTheOrderGiven() {
      LruTtlMap map = mapWith(limits(3, 0, EvictionPolicy.LRU));
      put(map, "a", "1");
      put(map, "b", "2");
      put(map, "c", "3");

      int touched = map.touch(List.of(bytes("b"), bytes("a"), bytes("missing")), T0);
      put(map, "d", "4");

      assertThat(touched).isEqualTo(2);
      assertThat(keysInLruOrder(map)).containsExactly("b", "a", "d");
    }

    @Test
    void readsDoNotChangeTheOrder() {
      LruTtlMap map = mapWith(limits(2, 0, EvictionPolicy.LRU));
      put(map, "a", "1");
      put(map, "b", "2");

      map.get(bytes("a"), T0);
      put(map, "c", "3");

      assertThat(keysInLruOrder(map)).containsExactly("b", "c");
    }

    @Test
    void evictsAsManyAsMaxBytesRequires() {
      // each entry: 1-byte key + 10-byte value + 64 overhead = 75 accounted bytes
      LruTtlMap map = mapWith(limits(0, 3 * 75, EvictionPolicy.LRU));
      put(map, "a", "0123456789");
      put(map, "b", "0123456789");
      put(map, "c", "0123456789");

      // 1 + 40 + 64 = 105 bytes: a and b must both go
      put(map, "d", "0123456789012345678901234567890123456789");

      assertThat(keysInLruOrder(map)).containsExactly("c", "d");
      assertThat(map.bytes()).isEqualTo(75 + 105);
      assertThat(map.state().evictions()).isEqualTo(2);
    }

    @Test
    void refusesAnEntryLargerThanMaxBytesWithoutEvictingAnything() {
      LruTtlMap map = mapWith(limits(0, 100, EvictionPolicy.LRU));
      put(map, "a", "1");

      WriteOutcome outcome = put(map, "b", "x".repeat(40));

      assertThat(outcome).isInstanceOf(Refused.class);
      assertThat(((Refused) outcome).reason()).isEqualTo(Refusal.NO_SPACE);
      assertThat(keysInLruOrder(map)).containsExactly("a");
      assertThat(map.state().revision()).isEqualTo(1);
    }
  }

  @Nested
  class NoEviction {
    @Test
    void refusesANewKeyPastMaxEntriesAndChangesNothing() {
      LruTtlMap map = mapWith(limits(2, 0, EvictionPolicy.NOEVICTION));
      put(map, "a", "1");
      put(map, "b", "2");
      MapContents before = MapContents.of(map);

      WriteOutcome outcome = put(map, "c", "3");

      assertThat(outcome).isEqualTo(new Refused(Refusal.NO_SPACE,
          "max_entries 2 reached and the eviction policy is noeviction"));
      assertThat(MapContents.of(map)).isEqualTo(before);
    }

    @Test
    void stillAcceptsOverwritesAndWritesAfterADelete() {
      LruTtlMap map = mapWith(limits(2, 0, EvictionPolicy.NOEVICTION));
      put(map, "a", "1");
      put(map, "b", "2");

      assertThat(put(map, "a", "1'")).isInstanceOf(Stored.class);
      assertThat(delete(map, "b")).isInstanceOf(Deleted.class);
      assertThat(put(map, "c", "3")).isInstanceOf(Stored.class);
      assertThat(keysInLruOrder(map)).containsExactly("a", "c");
    }

    @Test
    void refusesAGrowingOverwritePastMaxBytesButAcceptsAShrinkingOne() {
      LruTtlMap map = mapWith(limits(0, 2 * 70, EvictionPolicy.NOEVICTION));
      put(map, "a", "12345");
      put(map, "b", "12345");

      assertThat(put(map, "a", "123456")).isInstanceOf(Refused.class);
      assertThat(put(map, "a", "1234")).isInstanceOf(Stored.class);
      assertThat(map.bytes()).isEqualTo(69 + 70);
    }
  }

  @Nested
  class Ttl {
    @Test
    void anEntryIsVisibleUntilJustBeforeItsExpiryAndGoneAtIt() {
      LruTtlMap map = new LruTtlMap();
      map.put(bytes("k"), bytes("v"), OptionalLong.of(1_000), false, T0);

      assertThat(map.get(bytes("k"), T0 + 999)).isPresent();
      assertThat(map.get(bytes("k"), T0 + 1_000)).isEmpty();
      assertThat(map.get(bytes("k"), T0 + 999).orElseThrow().expireAtMillis())
          .isEqualTo(T0 + 1_000);
    }

    @Test
    void applyRemovesAnEntryOnlyOnceTheStampReachesItsExpiry() {
      LruTtlMap map = new LruTtlMap();
      map.put(bytes("k"), bytes("v"), OptionalLong.of(1_000), false, T0);

      map.touch(List.of(), T0 + 999);
      assertThat(map.size()).isEqualTo(1);

      map.touch(List.of(), T0 + 1_000);
      assertThat(map.size()).isZero();
      assertThat(map.bytes()).isZero();
      assertThat(map.state().expirations()).isEqualTo(1);
    }

    @Test
    void aWriteWithoutTtlTakesTheDefaultAndZeroMeansNever() {
      LruTtlMap map = mapWith(new Settings(0, 0, EvictionPolicy.LRU, 500, 64, 64));
      map.put(bytes("default"), bytes("v"), DEFAULT_TTL, false, T0);
      map.put(bytes("forever"), bytes("v"), OptionalLong.of(0), false, T0);

      assertThat(map.get(bytes("default"), T0).orElseThrow().expireAtMillis()).isEqualTo(T0 + 500);
      assertThat(map.get(bytes("forever"), T0 + 1_000_000)).isPresent();
    }

    @Test
    void anOverwriteReplacesTheTtl() {
      LruTtlMap map = new LruTtlMap();
      map.put(bytes("k"), bytes("v"), OptionalLong.of(100), false, T0);
      map.put(bytes("k"), bytes("v"), OptionalLong.of(0), false, T0 + 50);

      assertThat(map.get(bytes("k"), T0 + 10_000)).isPresent();
      map.touch(List.of(), T0 + 10_000);
      assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void eachCommandRemovesABoundedNumberOfExpiredEntries() {
      LruTtlMap map = new LruTtlMap();
      for (int i = 0; i < 50; i++) {
        map.put(bytes("k" + i), bytes("v"), OptionalLong.of(10), false, T0);
      }

      map.touch(List.of(), T0 + 10);
      assertThat(map.size()).isEqualTo(50 - LruTtlMap.EXPIRED_REMOVED_PER_COMMAND);
      assertThat(map.hasExpiredEntries(T0 + 10)).isTrue();

      assertThat(map.expire(5, T0 + 10)).isEqualTo(5);
      assertThat(map.expire(100, T0 + 10)).isEqualTo(50 - 20 - 5);
      assertThat(map.size()).isZero();
      assertThat(map.hasExpiredEntries(T0 + 10)).isFalse();
      assertThat(map.state().expirations()).isEqualTo(50);
    }

    @Test
    void entriesExpiringTogetherGoInVersionOrder() {
      LruTtlMap map = new LruTtlMap();
      // written in the order c, a, b, all expiring at the same instant
      map.put(bytes("c"), bytes("v"), OptionalLong.of(10), false, T0);
      map.put(bytes("a"), bytes("v"), OptionalLong.of(10), false, T0);
      map.put(bytes("b"), bytes("v"), OptionalLong.of(10), false, T0);

      map.expire(1, T0 + 10);
      assertThat(keysInLruOrder(map)).containsExactly("a", "b");
      map.expire(1, T0 + 10);
      assertThat(keysInLruOrder(map)).containsExactly("b");
    }

    @Test
    void applyTimeNeverRunsBackwards() {
      LruTtlMap map = new LruTtlMap();
      map.put(bytes("a"), bytes("v"), OptionalLong.of(0), false, T0 + 5_000);

      // a new leader whose clock is 5 s behind
      map.put(bytes("b"), bytes("v"), OptionalLong.of(1_000), false, T0);

      assertThat(map.state().clockMillis()).isEqualTo(T0 + 5_000);
      assertThat(map.get(bytes("b"), T0).orElseThrow().expireAtMillis()).isEqualTo(T0 + 6_000);
    }

    @Test
    void anExpiredKeyIsAbsentToWritesBeforeBeingRemovedByExpiry() {
      LruTtlMap map = new LruTtlMap();
      map.put(bytes("k"), bytes("old"), OptionalLong.of(10), false, T0);

      WriteOutcome outcome =
          map.compareAndSet(bytes("k"), Expectation.absent(), bytes("new"), DEFAULT_TTL, true,
              T0 + 10);

      assertThat(outcome).isEqualTo(new Stored(2, 2, Optional.empty()));
      assertThat(map.state().expirations()).isEqualTo(1);
    }

    @Test
    void refusesANegativeOrHugeTtl() {
      LruTtlMap map = new LruTtlMap();
      assertThat(map.put(bytes("k"), bytes("v"), OptionalLong.of(-1), false, T0))
          .isInstanceOf(Refused.class);
      assertThat(map.put(bytes("k"), bytes("v"),
          OptionalLong.of(io.pensieve.api.Ttl.MAX_MILLIS + 1), false, T0))
          .isInstanceOf(Refused.class);
      assertThat(map.size()).isZero();
    }
  }

  @Nested
  class SizeLimits {
    private final LruTtlMap map = mapWith(new Settings(0, 0, EvictionPolicy.LRU, 0, 4, 8));

    @Test
    void acceptsKeysAndValuesExactlyAtTheLimit() {
      assertThat(put(map, "abcd", "12345678")).isInstanceOf(Stored.class);
    }

    @Test
    void refusesAKeyOneByteOverTheLimit() {
      assertThat(put(map, "abcde", "1")).isEqualTo(new Refused(Refusal.KEY_TOO_LARGE,
          "key of 5 bytes is longer than max_key_bytes 4"));
    }

    @Test
    void refusesAValueOneByteOverTheLimit() {
      assertThat(put(map, "k", "123456789")).isEqualTo(new Refused(Refusal.VALUE_TOO_LARGE,
          "value of 9 bytes is longer than max_value_bytes 8"));
    }

    @Test
    void refusesAnEmptyKeyEverywhere() {
      Refused empty = new Refused(Refusal.INVALID_ARGUMENT, "key must not be empty");
      assertThat(put(map, "", "1")).isEqualTo(empty);
      assertThat(map.delete(new byte[0], Optional.empty(), false, T0)).isEqualTo(empty);
      assertThat(map.compareAndSet(new byte[0], Expectation.absent(), bytes("1"), DEFAULT_TTL,
          false, T0)).isEqualTo(empty);
    }

    @Test
    void refusalsLeaveTheRevisionAlone() {
      put(map, "abcde", "1");
      put(map, "k", "123456789");
      assertThat(map.state().revision()).isZero();
      assertThat(map.size()).isZero();
    }
  }

  @Nested
  class ByteAccounting {
    @Test
    void countsKeyPlusValuePlusTheFixedOverheadThroughEveryChange() {
      LruTtlMap map = new LruTtlMap();
      int overhead = LruTtlMap.ENTRY_OVERHEAD_BYTES;

      put(map, "ab", "12345");
      assertThat(map.bytes()).isEqualTo(2 + 5 + overhead);

      put(map, "ab", "1");
      assertThat(map.bytes()).isEqualTo(2 + 1 + overhead);

      put(map, "xyz", "");
      assertThat(map.bytes()).isEqualTo(2 + 1 + 3 + 2L * overhead);

      delete(map, "ab");
      assertThat(map.bytes()).isEqualTo(3 + overhead);

      map.put(bytes("t"), bytes("tt"), OptionalLong.of(1), false, T0);
      map.expire(10, T0 + 1);
      assertThat(map.bytes()).isEqualTo(3 + overhead);
    }
  }

  @Nested
  class CompareAndSet {
    private final LruTtlMap map = new LruTtlMap();

    @Test
    void expectedVersionMatches() {
      Stored first = (Stored) put(map, "k", "1");
      WriteOutcome outcome = cas(map, "k", Expectation.version(first.version()), "2");
      assertThat(outcome).isEqualTo(new Stored(2, 1, Optional.empty()));
      assertThat(value(map, "k")).isEqualTo("2");
    }

    @Test
    void expectedVersionDiffersAndTheCurrentEntryComesBack() {
      put(map, "k", "1");
      put(map, "k", "2");
      WriteOutcome outcome = cas(map, "k", Expectation.version(1), "3");
      assertThat(outcome).isEqualTo(
          new CompareFailed(Optional.of(new Entry(bytes("k"), bytes("2"), 2, 1, 0))));
      assertThat(map.state().revision()).isEqualTo(2);
    }

    @Test
    void expectedVersionOnAMissingKeyFails() {
      assertThat(cas(map, "k", Expectation.version(1), "1"))
          .isEqualTo(new CompareFailed(Optional.empty()));
    }

    @Test
    void expectedVersionMustBePositive() {
      assertThat(cas(map, "k", Expectation.version(0), "1")).isInstanceOf(Refused.class);
    }

    @Test
    void expectedValueMatches() {
      put(map, "k", "old");
      assertThat(cas(map, "k", Expectation.value(bytes("old")), "new")).isInstanceOf(Stored.class);
      assertThat(value(map, "k")).isEqualTo("new");
    }

    @Test
    void expectedValueDiffers() {
      put(map, "k", "old");
      assertThat(cas(map, "k", Expectation.value(bytes("ol")), "new"))
          .isInstanceOf(CompareFailed.class);
      assertThat(cas(map, "missing", Expectation.value(bytes("")), "new"))
          .isEqualTo(new CompareFailed(Optional.empty()));
      assertThat(value(map, "k")).isEqualTo("old");
    }

    @Test
    void expectedAbsenceHoldsOnlyForAMissingKey() {
      assertThat(cas(map, "k", Expectation.absent(), "1")).isInstanceOf(Stored.class);
      assertThat(cas(map, "k", Expectation.absent(), "2")).isInstanceOf(CompareFailed.class);
      assertThat(value(map, "k")).isEqualTo("1");
    }

    @Test
    void aSuccessfulSetReturnsThePreviousEntryWhenAsked() {
      put(map, "k", "1");
      WriteOutcome outcome = map.compareAndSet(bytes("k"), Expectation.version(1), bytes("2"),
          DEFAULT_TTL, true, T0);
      assertThat(outcome).isEqualTo(
          new Stored(2, 1, Optional.of(new Entry(bytes("k"), bytes("1"), 1, 1, 0))));
    }

    @Test
    void aConditionalDeleteRemovesOnlyWhenTheConditionHolds() {
      put(map, "k", "1");
      assertThat(map.delete(bytes("k"), Optional.of(Expectation.version(7)), false, T0))
          .isInstanceOf(CompareFailed.class);
      assertThat(map.delete(bytes("k"), Optional.of(Expectation.version(1)), true, T0))
          .isEqualTo(new Deleted(2, Optional.of(new Entry(bytes("k"), bytes("1"), 1, 1, 0))));
    }
  }

  @Nested
  class RevisionsAndCounters {
    @Test
    void everyWriteAndDeleteTakesTheNextRevision() {
      LruTtlMap map = new LruTtlMap();
      assertThat(put(map, "a", "1")).isEqualTo(new Stored(1, 1, Optional.empty()));
      assertThat(put(map, "b", "1")).isEqualTo(new Stored(2, 2, Optional.empty()));
      assertThat(put(map, "a", "2")).isEqualTo(new Stored(3, 1, Optional.empty()));
      assertThat(delete(map, "b")).isEqualTo(new Deleted(4, Optional.empty()));
      assertThat(put(map, "b", "again")).isEqualTo(new Stored(5, 5, Optional.empty()));
    }

    @Test
    void nothingElseMovesTheRevision() {
      LruTtlMap map = mapWith(limits(1, 0, EvictionPolicy.LRU));
      put(map, "a", "1");
      put(map, "b", "1"); // evicts a
      delete(map, "missing");
      cas(map, "b", Expectation.version(99), "x");
      map.touch(List.of(bytes("b")), T0);
      map.put(bytes("b"), bytes("1"), OptionalLong.of(1), false, T0);
      map.expire(10, T0 + 1);

      assertThat(map.state().revision()).isEqualTo(3);
      assertThat(map.state().evictions()).isEqualTo(1);
      assertThat(map.state().expirations()).isEqualTo(1);
      assertThat(map.size()).isZero();
    }

    @Test
    void deletingAMissingKeyReportsNotFound() {
      assertThat(delete(new LruTtlMap(), "missing")).isEqualTo(new NotFound());
    }
  }

  @Nested
  class Configure {
    @Test
    void changesOnlyTheNamedSettings() {
      LruTtlMap map = new LruTtlMap();
      SettingsUpdate update = new SettingsUpdate(OptionalLong.of(10), OptionalLong.empty(),
          Optional.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.of(99));

      ConfigureOutcome outcome = map.configure(update, false, T0);

      Settings expected = new Settings(10, 0, EvictionPolicy.LRU, 0,
          Settings.DEFAULTS.maxKeyBytes(), 99);
      assertThat(outcome).isEqualTo(new Configured(true, expected, 0));
      assertThat(map.state().configured()).isTrue();
    }

    @Test
    void refusesAValueOutOfRangeAndKeepsTheOldSettings() {
      LruTtlMap map = new LruTtlMap();
      SettingsUpdate update = new SettingsUpdate(OptionalLong.of(-1), OptionalLong.empty(),
          Optional.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty());

      assertThat(map.configure(update, false, T0)).isEqualTo(new Refused(
          Refusal.INVALID_ARGUMENT, "max_entries must be between 0 and "
          + Long.MAX_VALUE + ", got -1"));
      assertThat(map.settings()).isEqualTo(Settings.DEFAULTS);
      assertThat(map.state().configured()).isFalse();
    }

    @Test
    void onlyTheFirstBootstrapConfigurationApplies() {
      LruTtlMap map = new LruTtlMap();
      Settings first = limits(5, 0, EvictionPolicy.LRU);
      Settings second = limits(9, 0, EvictionPolicy.NOEVICTION);

      map.configure(SettingsUpdate.replacingAll(first), true, T0);
      ConfigureOutcome outcome = map.configure(SettingsUpdate.replacingAll(second), true, T0);

      assertThat(outcome).isEqualTo(new Configured(false, first, 0));
    }

    @Test
    void shrinkingLimitsEvictsAtOnceUnderLru() {
      LruTtlMap map = new LruTtlMap();
      for (String key : List.of("a", "b", "c", "d")) {
        put(map, key, "v");
      }

      ConfigureOutcome outcome =
          map.configure(SettingsUpdate.replacingAll(limits(1, 0, EvictionPolicy.LRU)), false, T0);

      assertThat(((Configured) outcome).evicted()).isEqualTo(3);
      assertThat(keysInLruOrder(map)).containsExactly("d");
    }

    @Test
    void shrinkingLimitsKeepsEverythingUnderNoEviction() {
      LruTtlMap map = new LruTtlMap();
      put(map, "a", "v");
      put(map, "b", "v");

      map.configure(SettingsUpdate.replacingAll(limits(1, 0, EvictionPolicy.NOEVICTION)), false,
          T0);

      assertThat(keysInLruOrder(map)).containsExactly("a", "b");
      assertThat(put(map, "c", "v")).isInstanceOf(Refused.class);
    }
  }

  @Test
  void growsFarPastItsInitialCapacityAndStaysConsistent() {
    LruTtlMap map = new LruTtlMap();
    for (int i = 0; i < 10_000; i++) {
      put(map, "key-" + i, "value-" + i);
    }
    for (int i = 0; i < 10_000; i += 2) {
      delete(map, "key-" + i);
    }
    assertThat(map.size()).isEqualTo(5_000);
    for (int i = 0; i < 10_000; i++) {
      assertThat(map.get(bytes("key-" + i), T0)).as("key-" + i).isEqualTo(i % 2 == 0
          ? Optional.empty()
          : Optional.of(new Entry(bytes("key-" + i), bytes("value-" + i), i + 1, i + 1, 0)));
    }
  }

  // ---- helpers ----

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static Settings limits(long maxEntries, long maxBytes, EvictionPolicy policy) {
    return new Settings(maxEntries, maxBytes, policy, 0, 64, 1024);
  }

  private static LruTtlMap mapWith(Settings settings) {
    return new LruTtlMap(settings);
  }

  @Nested
  class Removals {
    @Test
    void theListenerHearsEveryRemovalWhateverItsCauseAndNoOverwrite() {
      LruTtlMap map = new LruTtlMap();
      List<String> removed = new ArrayList<>();
      map.onRemoval(key -> removed.add(new String(key, UTF_8)));
      put(map, "deleted", "v");
      put(map, "overwritten", "1");
      put(map, "overwritten", "2");
      map.put(bytes("expiring"), bytes("v"), OptionalLong.of(1_000), false, T0);
      put(map, "range/a", "v");

      delete(map, "deleted");
      map.deleteRange(bytes("range/"), bytes("range0"), 10, false, T0);
      map.expire(10, T0 + 1_000);
      map.configure(new SettingsUpdate(OptionalLong.of(1), OptionalLong.empty(),
          Optional.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty()),
          false, T0 + 1_000);
      put(map, "newest", "v");

      assertThat(removed).containsExactly("deleted", "range/a", "expiring", "overwritten");
    }

    @Test
    void deleteKeysRemovesTheLiveOnesAtOneRevisionAndSkipsTheAbsent() {
      LruTtlMap map = new LruTtlMap();
      put(map, "a", "v");
      put(map, "b", "v");
      map.put(bytes("c"), bytes("v"), OptionalLong.of(1_000), false, T0);

      DeleteRangeOutcome.RangeDeleted deleted = map.deleteKeys(
          List.of(bytes("a"), bytes("absent"), bytes("b"), bytes("c")), T0 + 1_000);

      assertThat(deleted.deleted()).isEqualTo(2);
      assertThat(deleted.revision()).isEqualTo(4);
      assertThat(map.size()).isZero();
      assertThat(map.state().expirations()).isOne();
      map.checkInvariants();
    }
  }

  private static WriteOutcome put(LruTtlMap map, String key, String value) {
    return map.put(bytes(key), bytes(value), DEFAULT_TTL, false, T0);
  }

  private static WriteOutcome delete(LruTtlMap map, String key) {
    return map.delete(bytes(key), Optional.empty(), false, T0);
  }

  private static WriteOutcome cas(LruTtlMap map, String key, Expectation expected, String value) {
    return map.compareAndSet(bytes(key), expected, bytes(value), DEFAULT_TTL, false, T0);
  }

  private static String value(LruTtlMap map, String key) {
    return new String(map.get(bytes(key), T0).orElseThrow().value(), UTF_8);
  }

  static List<String> keysInLruOrder(LruTtlMap map) {
    return MapContents.of(map).entries().stream().map(e -> new String(e.key(), UTF_8)).toList();
  }
}
