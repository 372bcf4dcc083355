package io.pensieve.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Programs for property tests: sequences of map commands and reads, each with its time offset,
 * how to run them on the map or the reference model, how to shrink them and how to print them.
 * {@link ProgramGenerator} makes them.
 */
// steps hold the map's own byte[] arguments; they are printed and replayed, never compared
@SuppressWarnings("ArrayRecordComponent")
public final class Programs {
  public static final long START_MILLIS = 1_700_000_000_000L;

  private Programs() {}

  /** One command with its time offset from the previous one. */
  public sealed interface Step {
    long advanceMillis();

    /** Variants of this step with simpler arguments, for shrinking. */
    List<Step> simpler();

    /** This step with another time offset. */
    Step withAdvance(long advanceMillis);
  }

  public record Put(byte[] key, byte[] value, OptionalLong ttl, boolean prev, long advanceMillis)
      implements Step {
    @Override public Step withAdvance(long a) {
      return new Put(key, value, ttl, prev, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (byte[] k : simplerKeys(key)) {
        out.add(new Put(k, value, ttl, prev, advanceMillis));
      }
      for (byte[] v : simplerValues(value)) {
        out.add(new Put(key, v, ttl, prev, advanceMillis));
      }
      for (OptionalLong t : simplerTtls(ttl)) {
        out.add(new Put(key, value, t, prev, advanceMillis));
      }
      if (prev) {
        out.add(new Put(key, value, ttl, false, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Put(key, value, ttl, prev, a));
      }
      return out;
    }

    @Override public String toString() {
      return "put " + show(key) + " = " + show(value) + showTtl(ttl) + (prev ? " prev" : "")
          + showAdvance(advanceMillis);
    }
  }

  public record Cas(byte[] key, Expectation expected, byte[] value, OptionalLong ttl,
      boolean prev, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Cas(key, expected, value, ttl, prev, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      out.add(new Put(key, value, ttl, prev, advanceMillis));
      for (byte[] k : simplerKeys(key)) {
        out.add(new Cas(k, expected, value, ttl, prev, advanceMillis));
      }
      for (byte[] v : simplerValues(value)) {
        out.add(new Cas(key, expected, v, ttl, prev, advanceMillis));
      }
      for (OptionalLong t : simplerTtls(ttl)) {
        out.add(new Cas(key, expected, value, t, prev, advanceMillis));
      }
      if (prev) {
        out.add(new Cas(key, expected, value, ttl, false, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Cas(key, expected, value, ttl, prev, a));
      }
      return out;
    }

    @Override public String toString() {
      return "cas " + show(key) + " if " + show(expected) + " = " + show(value) + showTtl(ttl)
          + (prev ? " prev" : "") + showAdvance(advanceMillis);
    }
  }

  public record Delete(byte[] key, Optional<Expectation> expected, boolean prev,
      long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Delete(key, expected, prev, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      if (expected.isPresent()) {
        out.add(new Delete(key, Optional.empty(), prev, advanceMillis));
      }
      for (byte[] k : simplerKeys(key)) {
        out.add(new Delete(k, expected, prev, advanceMillis));
      }
      if (prev) {
        out.add(new Delete(key, expected, false, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Delete(key, expected, prev, a));
      }
      return out;
    }

    @Override public String toString() {
      return "delete " + show(key) + expected.map(e -> " if " + show(e)).orElse("")
          + (prev ? " prev" : "") + showAdvance(advanceMillis);
    }
  }

  public record Touch(List<byte[]> keys, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Touch(keys, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        List<byte[]> fewer = new ArrayList<>(keys);
        fewer.remove(i);
        out.add(new Touch(fewer, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Touch(keys, a));
      }
      return out;
    }

    @Override public String toString() {
      StringJoiner shown = new StringJoiner(" ");
      keys.forEach(k -> shown.add(show(k)));
      return "touch " + shown + showAdvance(advanceMillis);
    }
  }

  public record Expire(int maxEntries, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Expire(maxEntries, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      if (maxEntries > 1) {
        out.add(new Expire(1, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Expire(maxEntries, a));
      }
      return out;
    }

    @Override public String toString() {
      return "expire up to " + maxEntries + showAdvance(advanceMillis);
    }
  }

  public record Configure(SettingsUpdate update, boolean onlyIfUnconfigured, long advanceMillis)
      implements Step {
    @Override public Step withAdvance(long a) {
      return new Configure(update, onlyIfUnconfigured, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      SettingsUpdate u = update;
      if (u.maxEntries().isPresent()) {
        out.add(with(new SettingsUpdate(OptionalLong.empty(), u.maxBytes(), u.evictionPolicy(),
            u.defaultTtlMillis(), u.maxKeyBytes(), u.maxValueBytes())));
      }
      if (u.maxBytes().isPresent()) {
        out.add(with(new SettingsUpdate(u.maxEntries(), OptionalLong.empty(), u.evictionPolicy(),
            u.defaultTtlMillis(), u.maxKeyBytes(), u.maxValueBytes())));
      }
      if (u.evictionPolicy().isPresent()) {
        out.add(with(new SettingsUpdate(u.maxEntries(), u.maxBytes(), Optional.empty(),
            u.defaultTtlMillis(), u.maxKeyBytes(), u.maxValueBytes())));
      }
      if (u.defaultTtlMillis().isPresent()) {
        out.add(with(new SettingsUpdate(u.maxEntries(), u.maxBytes(), u.evictionPolicy(),
            OptionalLong.empty(), u.maxKeyBytes(), u.maxValueBytes())));
      }
      if (u.maxKeyBytes().isPresent()) {
        out.add(with(new SettingsUpdate(u.maxEntries(), u.maxBytes(), u.evictionPolicy(),
            u.defaultTtlMillis(), OptionalInt.empty(), u.maxValueBytes())));
      }
      if (u.maxValueBytes().isPresent()) {
        out.add(with(new SettingsUpdate(u.maxEntries(), u.maxBytes(), u.evictionPolicy(),
            u.defaultTtlMillis(), u.maxKeyBytes(), OptionalInt.empty())));
      }
      if (onlyIfUnconfigured) {
        out.add(new Configure(update, false, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Configure(update, onlyIfUnconfigured, a));
      }
      return out;
    }

    private Configure with(SettingsUpdate simpler) {
      return new Configure(simpler, onlyIfUnconfigured, advanceMillis);
    }

    @Override public String toString() {
      StringJoiner fields = new StringJoiner(" ");
      update.maxEntries().ifPresent(v -> fields.add("max_entries=" + v));
      update.maxBytes().ifPresent(v -> fields.add("max_bytes=" + v));
      update.evictionPolicy().ifPresent(v -> fields.add("policy=" + v));
      update.defaultTtlMillis().ifPresent(v -> fields.add("default_ttl=" + v));
      update.maxKeyBytes().ifPresent(v -> fields.add("max_key_bytes=" + v));
      update.maxValueBytes().ifPresent(v -> fields.add("max_value_bytes=" + v));
      return "configure " + fields + (onlyIfUnconfigured ? " only-if-unconfigured" : "")
          + showAdvance(advanceMillis);
    }
  }

  /** What a range read returns. */
  public enum RangeMode { ENTRIES, KEYS, COUNT }

  /**
   * A range read at the current time plus {@code advanceMillis}; it does not move the time.
   * {@code limit} and {@code maxBytes} apply to {@link RangeMode#ENTRIES} and
   * {@link RangeMode#KEYS}; 0 = none.
   */
  public record Range(byte[] key, byte[] rangeEnd, int limit, long maxBytes, RangeMode mode,
      long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Range(key, rangeEnd, limit, maxBytes, mode, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (byte[] k : simplerKeys(key)) {
        out.add(new Range(k, rangeEnd, limit, maxBytes, mode, advanceMillis));
      }
      if (!isFromKey(rangeEnd)) {
        out.add(new Range(key, FROM_KEY, limit, maxBytes, mode, advanceMillis));
      }
      if (limit != 0) {
        out.add(new Range(key, rangeEnd, 0, maxBytes, mode, advanceMillis));
      }
      if (maxBytes != 0) {
        out.add(new Range(key, rangeEnd, limit, 0, mode, advanceMillis));
      }
      if (mode != RangeMode.ENTRIES) {
        out.add(new Range(key, rangeEnd, limit, maxBytes, RangeMode.ENTRIES, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Range(key, rangeEnd, limit, maxBytes, mode, a));
      }
      return out;
    }

    @Override public String toString() {
      return "range" + (mode == RangeMode.ENTRIES ? "" : " " + mode.name().toLowerCase(java.util.Locale.ROOT))
          + " [" + show(key) + ", " + show(rangeEnd) + ")"
          + (limit == 0 ? "" : " limit=" + limit) + (maxBytes == 0 ? "" : " max_bytes=" + maxBytes)
          + (advanceMillis == 0 ? "" : " looking " + advanceMillis + " ms ahead");
    }
  }

  public record DeleteRange(byte[] key, byte[] rangeEnd, int maxKeys, boolean prev,
      long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new DeleteRange(key, rangeEnd, maxKeys, prev, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (byte[] k : simplerKeys(key)) {
        out.add(new DeleteRange(k, rangeEnd, maxKeys, prev, advanceMillis));
      }
      if (!isFromKey(rangeEnd)) {
        out.add(new DeleteRange(key, FROM_KEY, maxKeys, prev, advanceMillis));
      }
      if (maxKeys != 100) {
        out.add(new DeleteRange(key, rangeEnd, 100, prev, advanceMillis));
      }
      if (prev) {
        out.add(new DeleteRange(key, rangeEnd, maxKeys, false, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new DeleteRange(key, rangeEnd, maxKeys, prev, a));
      }
      return out;
    }

    @Override public String toString() {
      return "delete-range [" + show(key) + ", " + show(rangeEnd) + ") max_keys=" + maxKeys
          + (prev ? " prev" : "") + showAdvance(advanceMillis);
    }
  }

  /**
   * A transaction's writes (puts, deletes and delete-ranges on disjoint keys, each step's own
   * advance ignored): checked with {@link LruTtlMap#checkWrites}, then applied all at one
   * revision with {@link LruTtlMap#atOneRevision}, or refused with nothing applied.
   */
  public record Txn(List<Step> writes, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Txn(writes, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        out.add(writes.get(i).withAdvance(advanceMillis));
        List<Step> fewer = new ArrayList<>(writes);
        fewer.remove(i);
        out.add(new Txn(fewer, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Txn(writes, a));
      }
      return out;
    }

    @Override public String toString() {
      StringJoiner shown = new StringJoiner("; ", "txn {", "}");
      writes.forEach(w -> shown.add(w.toString()));
      return shown + showAdvance(advanceMillis);
    }
  }

  /**
   * What a transaction answered: the index of the write that refused it and why, or each
   * write's outcome.
   */
  public record TxnAnswer(int refusedAt, Optional<Refused> refused, List<Object> outcomes) {
    static TxnAnswer refused(int index, Refused refused) {
      // the model writes no messages: only reasons are compared
      return new TxnAnswer(index, Optional.of(new Refused(refused.reason(), "")), List.of());
    }

    static TxnAnswer applied(List<Object> outcomes) {
      return new TxnAnswer(-1, Optional.empty(), outcomes);
    }
  }

  private static TxnAnswer runTxn(Txn txn, LruTtlMap map, long nowMillis) {
    List<LruTtlMap.PlannedWrite> plan = new ArrayList<>();
    for (Step write : txn.writes()) {
      if (write instanceof Put p) {
        plan.add(new LruTtlMap.PlannedWrite.Put(p.key(), p.value(), p.ttl()));
      } else if (write instanceof Delete d) {
        plan.add(new LruTtlMap.PlannedWrite.Delete(d.key()));
      } else {
        DeleteRange d = (DeleteRange) write;
        plan.add(new LruTtlMap.PlannedWrite.DeleteRange(d.key(), d.rangeEnd(), d.maxKeys()));
      }
    }
    Optional<LruTtlMap.WriteRefused> refused = map.checkWrites(plan, nowMillis);
    if (refused.isPresent()) {
      return TxnAnswer.refused(refused.get().index(), refused.get().refused());
    }
    return TxnAnswer.applied(map.atOneRevision(() -> {
      List<Object> outcomes = new ArrayList<>();
      for (Step write : txn.writes()) {
        Object outcome;
        if (write instanceof Put p) {
          outcome = map.put(p.key(), p.value(), p.ttl(), p.prev(), nowMillis);
        } else if (write instanceof Delete d) {
          outcome = map.delete(d.key(), Optional.empty(), d.prev(), nowMillis);
        } else {
          DeleteRange d = (DeleteRange) write;
          outcome = map.deleteRange(d.key(), d.rangeEnd(), d.maxKeys(), d.prev(), nowMillis);
        }
        if (outcome instanceof Refused r) {
          throw new IllegalStateException("a checked write was refused: " + r);
        }
        outcomes.add(outcome);
      }
      return outcomes;
    }));
  }

  /** A read at the current time plus {@code advanceMillis}; it does not move the time. */
  public record Get(byte[] key, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Get(key, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (byte[] k : simplerKeys(key)) {
        out.add(new Get(k, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Get(key, a));
      }
      return out;
    }

    @Override public String toString() {
      return "get " + show(key) + (advanceMillis == 0 ? "" : " looking " + advanceMillis
          + " ms ahead");
    }
  }

  // ---- running ----

  /**
   * Runs {@code step} on the map at {@code nowMillis} and, unless it is a read, checks the
   * map's invariants after it; returns what the map answered.
   */
  public static Object run(Step step, LruTtlMap map, long nowMillis) {
    Object answer;
    if (step instanceof Put p) {
      answer = map.put(p.key(), p.value(), p.ttl(), p.prev(), nowMillis);
    } else if (step instanceof Cas c) {
      answer = map.compareAndSet(c.key(), c.expected(), c.value(), c.ttl(), c.prev(), nowMillis);
    } else if (step instanceof Delete d) {
      answer = map.delete(d.key(), d.expected(), d.prev(), nowMillis);
    } else if (step instanceof Touch t) {
      answer = map.touch(t.keys(), nowMillis);
    } else if (step instanceof Expire e) {
      answer = map.expire(e.maxEntries(), nowMillis);
    } else if (step instanceof Configure c) {
      answer = map.configure(c.update(), c.onlyIfUnconfigured(), nowMillis);
    } else if (step instanceof DeleteRange d) {
      answer = map.deleteRange(d.key(), d.rangeEnd(), d.maxKeys(), d.prev(), nowMillis);
    } else if (step instanceof Txn t) {
      answer = runTxn(t, map, nowMillis);
    } else if (step instanceof Range r) {
      return switch (r.mode()) {
        case ENTRIES -> map.range(r.key(), r.rangeEnd(), r.limit(), r.maxBytes(), nowMillis);
        case KEYS -> map.rangeKeys(r.key(), r.rangeEnd(), r.limit(), r.maxBytes(), nowMillis);
        case COUNT -> map.count(r.key(), r.rangeEnd(), nowMillis);
      };
    } else {
      return map.get(((Get) step).key(), nowMillis);
    }
    map.checkInvariants();
    return answer;
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
    } else if (step instanceof DeleteRange d) {
      return model.deleteRange(d.key(), d.rangeEnd(), d.maxKeys(), d.prev(), nowMillis);
    } else if (step instanceof Txn t) {
      return model.txn(t.writes(), nowMillis);
    } else if (step instanceof Range r) {
      return r.mode() == RangeMode.COUNT
          ? model.count(r.key(), r.rangeEnd(), nowMillis)
          : model.range(r.key(), r.rangeEnd(), r.limit(), r.maxBytes(),
              r.mode() == RangeMode.KEYS, nowMillis);
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
    return isRead(step) ? previousMillis : previousMillis + step.advanceMillis();
  }

  /** Reads look ahead in time without moving it; commands move it. */
  private static boolean isRead(Step step) {
    return step instanceof Get || step instanceof Range;
  }

  /** The time a step runs at. */
  public static long runAt(long previousMillis, Step step) {
    return previousMillis + step.advanceMillis();
  }

  // ---- as cases of a property ----

  /** Random programs of up to {@code maxLength} steps, shrunk step by step. */
  public static PropertyRunner.Domain<List<Step>> upTo(int maxLength) {
    return new PropertyRunner.Domain<>() {
      @Override public List<Step> generate(SplittableRandom random) {
        return new ProgramGenerator(random).program(maxLength);
      }

      @Override public Stream<List<Step>> shrink(List<Step> failing) {
        return shrunk(failing);
      }

      @Override public int size(List<Step> program) {
        return program.size();
      }

      @Override public String describe(List<Step> program) {
        return Programs.describe(program);
      }
    };
  }

  /**
   * Smaller programs first: without halves, then quarters and so on down to single steps;
   * then without one step whose clock advance passes to the next, for steps that only moved
   * time on; then the same length with one step's arguments made simpler.
   */
  public static Stream<List<Step>> shrunk(List<Step> program) {
    int n = program.size();
    Stream<List<Step>> fewerSteps = Stream.iterate(Math.max(1, n / 2), k -> k >= 1, k -> k / 2)
        .flatMap(chunk -> IntStream.iterate(0, start -> start < n, start -> start + chunk)
            .mapToObj(start -> without(program, start, Math.min(n, start + chunk))));
    Stream<List<Step>> timeKept = IntStream.range(0, n - 1)
        .filter(i -> !isRead(program.get(i)) && program.get(i).advanceMillis() != 0)
        .mapToObj(i -> withoutKeepingTime(program, i));
    Stream<List<Step>> simplerSteps = IntStream.range(0, n).boxed()
        .flatMap(i -> program.get(i).simpler().stream().map(step -> replaced(program, i, step)));
    return Stream.of(fewerSteps, timeKept, simplerSteps).flatMap(s -> s);
  }

  /** A program as numbered lines, with the time each step runs at. */
  public static String describe(List<Step> program) {
    StringBuilder out = new StringBuilder();
    long clock = START_MILLIS;
    for (int i = 0; i < program.size(); i++) {
      Step step = program.get(i);
      out.append(String.format("    %3d  t=%-5d %s%n", i, runAt(clock, step) - START_MILLIS,
          step));
      clock = timeAfter(clock, step);
    }
    return out.toString().stripTrailing();
  }

  private static List<Step> without(List<Step> program, int from, int to) {
    List<Step> out = new ArrayList<>(program.subList(0, from));
    out.addAll(program.subList(to, program.size()));
    return out;
  }

  private static List<Step> withoutKeepingTime(List<Step> program, int index) {
    List<Step> out = without(program, index, index + 1);
    Step next = out.get(index);
    out.set(index, next.withAdvance(next.advanceMillis() + program.get(index).advanceMillis()));
    return out;
  }

  private static List<Step> replaced(List<Step> program, int index, Step step) {
    List<Step> out = new ArrayList<>(program);
    out.set(index, step);
    return out;
  }

  // ---- simpler arguments ----

  private static final byte[] SIMPLEST_KEY = {'a'};
  /** The range end that means every key from the start key on. */
  static final byte[] FROM_KEY = {0};

  private static boolean isFromKey(byte[] rangeEnd) {
    return rangeEnd.length == 1 && rangeEnd[0] == 0;
  }

  private static List<byte[]> simplerKeys(byte[] key) {
    return (key.length == 1 && key[0] == 'a') || key.length == 0
        ? List.of() : List.of(SIMPLEST_KEY);
  }

  private static List<byte[]> simplerValues(byte[] value) {
    return value.length == 0 ? List.of() : List.of(new byte[0], new byte[value.length - 1]);
  }

  private static List<OptionalLong> simplerTtls(OptionalLong ttl) {
    if (ttl.isEmpty()) {
      return List.of();
    }
    long t = ttl.getAsLong();
    return t > 1 ? List.of(OptionalLong.empty(), OptionalLong.of(t / 2))
        : List.of(OptionalLong.empty());
  }

  private static List<Long> simplerAdvances(long advanceMillis) {
    if (advanceMillis == 0) {
      return List.of();
    }
    return Math.abs(advanceMillis) > 1 ? List.of(0L, advanceMillis / 2) : List.of(0L);
  }

  // ---- printing ----

  /** Printable ASCII in quotes, anything else in hex. */
  static String show(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e || b == '"') {
        return "0x" + HexFormat.of().formatHex(bytes);
      }
    }
    return '"' + new String(bytes, StandardCharsets.US_ASCII) + '"';
  }

  private static String show(Expectation expected) {
    if (expected instanceof Expectation.VersionIs v) {
      return "version=" + v.version();
    } else if (expected instanceof Expectation.ValueIs v) {
      return "value=" + show(v.value());
    }
    return "absent";
  }

  private static String showTtl(OptionalLong ttl) {
    return ttl.isPresent() ? " ttl=" + ttl.getAsLong() : "";
  }

  private static String showAdvance(long advanceMillis) {
    return advanceMillis == 0 ? "" : " (clock " + (advanceMillis > 0 ? "+" : "") + advanceMillis
        + " ms)";
  }
}
