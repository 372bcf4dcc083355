package io.pensieve.store;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Random command sequences for property tests: a small key space so that commands collide, tight
 * limits so that eviction, refusal and expiry all happen, and time that mostly moves forward but
 * sometimes steps back, as it does when leadership changes.
 */
// steps hold the map's own byte[] arguments; they are printed and replayed, never compared
@SuppressWarnings("ArrayRecordComponent")
public final class Programs {
  public static final long START_MILLIS = 1_700_000_000_000L;

  private Programs() {}

  /** One command with its time offset from the previous one. */
  public sealed interface Step {
    long advanceMillis();
  }

  public record Put(byte[] key, byte[] value, OptionalLong ttl, boolean prev, long advanceMillis)
      implements Step {
    @Override public String toString() {
      return "Put(" + hex(key) + "=" + hex(value) + ", ttl=" + ttl + ", prev=" + prev + ", +"
          + advanceMillis + ")";
    }
  }

  public record Cas(byte[] key, Expectation expected, byte[] value, OptionalLong ttl,
      boolean prev, long advanceMillis) implements Step {
    @Override public String toString() {
      return "Cas(" + hex(key) + " if " + expected + " = " + hex(value) + ", ttl=" + ttl + ", +"
          + advanceMillis + ")";
    }
  }

  public record Delete(byte[] key, Optional<Expectation> expected, boolean prev,
      long advanceMillis) implements Step {
    @Override public String toString() {
      return "Delete(" + hex(key) + " if " + expected + ", +" + advanceMillis + ")";
    }
  }

  public record Touch(List<byte[]> keys, long advanceMillis) implements Step {
    @Override public String toString() {
      return "Touch(" + keys.stream().map(Programs::hex).toList() + ", +" + advanceMillis + ")";
    }
  }

  public record Expire(int maxEntries, long advanceMillis) implements Step {}

  public record Configure(SettingsUpdate update, boolean onlyIfUnconfigured, long advanceMillis)
      implements Step {}

  /** A read at the current time plus {@code advanceMillis}; it does not move the time. */
  public record Get(byte[] key, long advanceMillis) implements Step {
    @Override public String toString() {
      return "Get(" + hex(key) + ", +" + advanceMillis + ")";
    }
  }

  public static Arbitrary<List<Step>> programs(int maxLength) {
    return Arbitraries.<Step>frequencyOf(
            weighted(10, puts()),
            weighted(4, compareAndSets()),
            weighted(3, deletes()),
            weighted(2, touches()),
            weighted(2, expires()),
            weighted(2, configures()),
            weighted(6, gets()))
        .list().ofMaxSize(maxLength);
  }

  private static <T> Tuple2<Integer, Arbitrary<? extends T>> weighted(
      int weight, Arbitrary<? extends T> arbitrary) {
    return Tuple.of(weight, arbitrary);
  }

  /**
   * Mostly eight hot keys, so that commands collide; sometimes one of forty more, so that more
   * entries expire at once than one command removes; rarely the empty key or one longer than
   * any key limit generated.
   */
  private static Arbitrary<byte[]> keys() {
    return Arbitraries.<String>frequencyOf(
            weighted(16, Arbitraries.of("a", "b", "c", "d", "ee", "ff", "ggg", "hhhh")),
            weighted(6, Arbitraries.integers().between(0, 39).map(i -> "k" + i)),
            weighted(1, Arbitraries.of("", "toolong-key")))
        .map(String::getBytes);
  }

  /** A few fixed values, so that value comparisons match often, and random ones. */
  private static Arbitrary<byte[]> values() {
    return Arbitraries.oneOf(
        Arbitraries.of("", "x", "yy", "value").map(String::getBytes),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(24));
  }

  private static Arbitrary<OptionalLong> ttls() {
    return Arbitraries.oneOf(
        Arbitraries.just(OptionalLong.empty()),
        Arbitraries.just(OptionalLong.of(0)),
        Arbitraries.longs().between(1, 60).map(OptionalLong::of),
        // a few common TTLs, so that entries often expire at the same instant
        Arbitraries.of(5L, 10L).map(OptionalLong::of),
        Arbitraries.just(OptionalLong.of(-1)));
  }

  private static Arbitrary<Long> advances() {
    return Arbitraries.<Long>frequencyOf(
        weighted(4, Arbitraries.just(0L)),
        weighted(8, Arbitraries.longs().between(1, 10)),
        weighted(1, Arbitraries.longs().between(-20, -1)),
        weighted(1, Arbitraries.longs().between(30, 100)));
  }

  private static Arbitrary<Expectation> expectations() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 12).map(Expectation::version),
        values().map(Expectation::value),
        Arbitraries.just(Expectation.absent()));
  }

  private static Arbitrary<Put> puts() {
    return Combinators.combine(keys(), values(), ttls(), Arbitraries.of(true, false), advances())
        .as(Put::new);
  }

  private static Arbitrary<Cas> compareAndSets() {
    return Combinators.combine(keys(), expectations(), values(), ttls(),
        Arbitraries.of(true, false), advances()).as(Cas::new);
  }

  private static Arbitrary<Delete> deletes() {
    return Combinators.combine(keys(), expectations().optional(0.3), Arbitraries.of(true, false),
        advances()).as(Delete::new);
  }

  private static Arbitrary<Touch> touches() {
    return Combinators.combine(keys().list().ofMaxSize(4), advances()).as(Touch::new);
  }

  private static Arbitrary<Expire> expires() {
    Arbitrary<Integer> limits = Arbitraries.<Integer>frequencyOf(
        weighted(5, Arbitraries.integers().between(0, 3)),
        weighted(1, Arbitraries.integers().between(4, 30)));
    return Combinators.combine(limits, advances()).as(Expire::new);
  }

  private static Arbitrary<Get> gets() {
    return Combinators.combine(keys(), Arbitraries.longs().between(0, 40)).as(Get::new);
  }

  private static Arbitrary<Configure> configures() {
    Arbitrary<OptionalLong> maxEntries = sometimes(Arbitraries.longs().between(-1, 30), 0.6);
    Arbitrary<OptionalLong> maxBytes = sometimes(Arbitraries.longs().between(0, 600), 0.5);
    Arbitrary<Optional<EvictionPolicy>> policy =
        Arbitraries.of(EvictionPolicy.class).optional(0.5);
    Arbitrary<OptionalLong> defaultTtl = sometimes(Arbitraries.longs().between(0, 50), 0.4);
    Arbitrary<OptionalInt> maxKey = Arbitraries.integers().between(1, 5).optional(0.4)
        .map(o -> o.map(OptionalInt::of).orElse(OptionalInt.empty()));
    Arbitrary<OptionalInt> maxValue = Arbitraries.integers().between(0, 30).optional(0.4)
        .map(o -> o.map(OptionalInt::of).orElse(OptionalInt.empty()));
    Arbitrary<SettingsUpdate> updates = Combinators.combine(
        maxEntries, maxBytes, policy, defaultTtl, maxKey, maxValue).as(SettingsUpdate::new);
    return Combinators.combine(updates, Arbitraries.of(true, false), advances())
        .as(Configure::new);
  }

  private static Arbitrary<OptionalLong> sometimes(Arbitrary<Long> values, double presence) {
    return values.optional(presence).map(o -> o.map(OptionalLong::of).orElse(OptionalLong.empty()));
  }

  /** Runs {@code step} on the map at {@code nowMillis}; returns what it answered. */
  public static Object run(Step step, LruTtlMap map, long nowMillis) {
    if (step instanceof Put p) {
      return map.put(p.key(), p.value(), p.ttl(), p.prev(), nowMillis);
    } else if (step instanceof Cas c) {
      return map.compareAndSet(c.key(), c.expected(), c.value(), c.ttl(), c.prev(), nowMillis);
    } else if (step instanceof Delete d) {
      return map.delete(d.key(), d.expected(), d.prev(), nowMillis);
    } else if (step instanceof Touch t) {
      return map.touch(t.keys(), nowMillis);
    } else if (step instanceof Expire e) {
      return map.expire(e.maxEntries(), nowMillis);
    } else if (step instanceof Configure c) {
      return map.configure(c.update(), c.onlyIfUnconfigured(), nowMillis);
    }
    return map.get(((Get) step).key(), nowMillis);
  }

  static Object run(Step step, ReferenceModel model, long nowMillis) {
    if (step instanceof Put p) {
      return model.put(p.key(), p.value(), p.ttl(), p.prev(), nowMillis);
    } else if (step instanceof Cas c) {
      return model.compareAndSet(c.key(), c.expected(), c.value(), c.ttl(), c.prev(), nowMillis);
    } else if (step instanceof Delete d) {
      return model.delete(d.key(), d.expected(), d.prev(), nowMillis);
    } else if (step instanceof Touch t) {
      return model.touch(t.keys(), nowMillis);
    } else if (step instanceof Expire e) {
      return model.expire(e.maxEntries(), nowMillis);
    } else if (step instanceof Configure c) {
      return model.configure(c.update(), c.onlyIfUnconfigured(), nowMillis);
    }
    return model.get(((Get) step).key(), nowMillis);
  }

  /** What a map answered to each step of a program, and the time the program ended at. */
  public record Run(List<Object> answers, long endMillis) {}

  public static Run runAll(List<Step> program, LruTtlMap map, long startMillis) {
    List<Object> answers = new ArrayList<>();
    long clock = startMillis;
    for (Step step : program) {
      answers.add(run(step, map, runAt(clock, step)));
      clock = timeAfter(clock, step);
    }
    return new Run(answers, clock);
  }

  /** The time after a step: commands move the clock, reads look ahead without moving it. */
  public static long timeAfter(long previousMillis, Step step) {
    return step instanceof Get ? previousMillis : previousMillis + step.advanceMillis();
  }

  /** The time a step runs at. */
  public static long runAt(long previousMillis, Step step) {
    return previousMillis + step.advanceMillis();
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
