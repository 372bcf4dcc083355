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
 * Programs for property tests: sequences of store commands (the map's, leases' and
 * transactions') and reads, each with its time offset, how to run them on the store or the
 * reference model, how to shrink them and how to print them.
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

  /** A put, attached to {@code lease} (0: none, which detaches the key from any). */
  public record Put(byte[] key, byte[] value, OptionalLong ttl, long lease, boolean prev,
      long advanceMillis) implements Step {
    public Put(byte[] key, byte[] value, OptionalLong ttl, boolean prev, long advanceMillis) {
      this(key, value, ttl, 0, prev, advanceMillis);
    }

    @Override public Step withAdvance(long a) {
      return new Put(key, value, ttl, lease, prev, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      if (lease != 0) {
        out.add(new Put(key, value, ttl, 0, prev, advanceMillis));
      }
      for (byte[] k : simplerKeys(key)) {
        out.add(new Put(k, value, ttl, lease, prev, advanceMillis));
      }
      for (byte[] v : simplerValues(value)) {
        out.add(new Put(key, v, ttl, lease, prev, advanceMillis));
      }
      for (OptionalLong t : simplerTtls(ttl)) {
        out.add(new Put(key, value, t, lease, prev, advanceMillis));
      }
      if (prev) {
        out.add(new Put(key, value, ttl, lease, false, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Put(key, value, ttl, lease, prev, a));
      }
      return out;
    }

    @Override public String toString() {
      return "put " + show(key) + " = " + show(value) + showTtl(ttl)
          + (lease == 0 ? "" : " lease=" + lease) + (prev ? " prev" : "")
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
      for (int field = 0; field < SETTINGS_FIELDS; field++) {
        withoutField(update, field).ifPresent(u -> out.add(with(u)));
      }
      if (onlyIfUnconfigured) {
        out.add(new Configure(update, false, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Configure(update, onlyIfUnconfigured, a));
      }
      return out;
    }

    private static final int SETTINGS_FIELDS = 11;

    /** {@code u} without the field numbered {@code field}; empty if that field is unset. */
    private static Optional<SettingsUpdate> withoutField(SettingsUpdate u, int field) {
      OptionalLong noLong = OptionalLong.empty();
      OptionalInt noInt = OptionalInt.empty();
      SettingsUpdate simpler = new SettingsUpdate(
          field == 0 ? noLong : u.maxEntries(),
          field == 1 ? noLong : u.maxBytes(),
          field == 2 ? Optional.empty() : u.evictionPolicy(),
          field == 3 ? noLong : u.defaultTtlMillis(),
          field == 4 ? noInt : u.maxKeyBytes(),
          field == 5 ? noInt : u.maxValueBytes(),
          field == 6 ? noInt : u.maxRangeEntries(),
          field == 7 ? noLong : u.maxRangeBytes(),
          field == 8 ? noInt : u.maxDeleteRangeKeys(),
          field == 9 ? noInt : u.maxTxnOps(),
          field == 10 ? noInt : u.maxLeases());
      return simpler.equals(u) ? Optional.empty() : Optional.of(simpler);
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
      update.maxRangeEntries().ifPresent(v -> fields.add("max_range_entries=" + v));
      update.maxRangeBytes().ifPresent(v -> fields.add("max_range_bytes=" + v));
      update.maxDeleteRangeKeys().ifPresent(v -> fields.add("max_delete_range_keys=" + v));
      update.maxTxnOps().ifPresent(v -> fields.add("max_txn_ops=" + v));
      update.maxLeases().ifPresent(v -> fields.add("max_leases=" + v));
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

  /** A comparison of a transaction: the key's target against {@code value}. */
  public record KeyCompare(byte[] key, CompareTarget target, CompareOp op, long value) {
    @Override public String toString() {
      return show(key) + "." + target.name().toLowerCase(java.util.Locale.ROOT) + " "
          + op.symbol + " " + value;
    }
  }

  /**
   * What a compare reads of a key. A missing key has version, create revision and lease 0 and
   * does not exist (1 for exists, 0 for not, with {@code =} and {@code !=} only).
   */
  public enum CompareTarget { VERSION, CREATE_REVISION, LEASE, EXISTS }

  public enum CompareOp {
    EQUAL("="), NOT_EQUAL("!="), LESS("<"), GREATER(">");

    final String symbol;

    CompareOp(String symbol) {
      this.symbol = symbol;
    }

    /** Whether {@code actual op expected} holds. */
    public boolean holds(long actual, long expected) {
      int order = Long.compare(actual, expected);
      return switch (this) {
        case EQUAL -> order == 0;
        case NOT_EQUAL -> order != 0;
        case LESS -> order < 0;
        case GREATER -> order > 0;
      };
    }
  }

  /**
   * A transaction, {@code if compares then success else failure}: each branch holds puts (with
   * or without a lease), deletes and delete-ranges on disjoint keys, each write's own advance
   * ignored, and a delete-range's {@code max_keys} too: the setting bounds it, as it bounds every
   * delete-range the state machine applies. It runs as the state machine applies it (the
   * subject is given how), the model answers it by the rules of docs/design.md.
   */
  public record Txn(List<KeyCompare> compares, List<Step> success, List<Step> failure,
      long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Txn(compares, success, failure, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      if (!compares.isEmpty() || !failure.isEmpty()) {
        out.add(new Txn(List.of(), success, List.of(), advanceMillis));
      }
      for (int i = 0; i < success.size(); i++) {
        out.add(success.get(i).withAdvance(advanceMillis));
      }
      for (int i = 0; i < compares.size(); i++) {
        out.add(new Txn(without(compares, i), success, failure, advanceMillis));
      }
      for (int i = 0; i < success.size(); i++) {
        out.add(new Txn(compares, without(success, i), failure, advanceMillis));
        for (Step simpler : success.get(i).simpler()) {
          out.add(new Txn(compares, replaced(success, i, simpler), failure, advanceMillis));
        }
      }
      for (int i = 0; i < failure.size(); i++) {
        out.add(new Txn(compares, success, without(failure, i), advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Txn(compares, success, failure, a));
      }
      return out;
    }

    @Override public String toString() {
      StringJoiner shown = new StringJoiner(" && ", "txn if {", "}");
      compares.forEach(c -> shown.add(c.toString()));
      StringJoiner then = new StringJoiner("; ", " then {", "}");
      success.forEach(w -> then.add(w.toString()));
      StringJoiner otherwise = new StringJoiner("; ", " else {", "}");
      failure.forEach(w -> otherwise.add(w.toString()));
      return shown + "" + then + otherwise + showAdvance(advanceMillis);
    }
  }

  /**
   * What a transaction answered: refused (with why, and nothing applied), or which branch ran,
   * the store's revision after it and each write's outcome ({@link WriteOutcome.Stored},
   * {@link WriteOutcome.Deleted}, {@link WriteOutcome.NotFound} or
   * {@link DeleteRangeOutcome.RangeDeleted}).
   */
  public record TxnAnswer(Optional<Refusal> refused, boolean succeeded, long revision,
      List<Object> outcomes) {
    public static TxnAnswer refused(Refusal reason) {
      return new TxnAnswer(Optional.of(reason), false, 0, List.of());
    }

    public static TxnAnswer applied(boolean succeeded, long revision, List<Object> outcomes) {
      return new TxnAnswer(Optional.empty(), succeeded, revision, List.copyOf(outcomes));
    }
  }

  /** How a subject applies a transaction: the state machine's own apply path. */
  @FunctionalInterface
  public interface TxnApply {
    TxnAnswer apply(Txn txn, LeasedMap store, long stampMillis);
  }

  /** A lease grant: a chosen id, or 0 for the next; {@code ttlMillis} as the store takes it. */
  public record Grant(long id, long ttlMillis, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Grant(id, ttlMillis, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      if (ttlMillis != LeaseTable.MIN_TTL_MILLIS) {
        out.add(new Grant(id, LeaseTable.MIN_TTL_MILLIS, advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new Grant(id, ttlMillis, a));
      }
      return out;
    }

    @Override public String toString() {
      return "grant " + (id == 0 ? "next id" : "id " + id) + " ttl=" + ttlMillis
          + showAdvance(advanceMillis);
    }
  }

  /** One coalesced keep-alive command, for these ids. */
  public record KeepAlive(List<Long> ids, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new KeepAlive(ids, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (int i = 0; ids.size() > 1 && i < ids.size(); i++) {
        out.add(new KeepAlive(without(ids, i), advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new KeepAlive(ids, a));
      }
      return out;
    }

    @Override public String toString() {
      return "keep-alive " + ids + showAdvance(advanceMillis);
    }
  }

  public record Revoke(long id, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new Revoke(id, a);
    }

    @Override public List<Step> simpler() {
      return simplerAdvances(advanceMillis).stream().<Step>map(a -> new Revoke(id, a)).toList();
    }

    @Override public String toString() {
      return "revoke " + id + showAdvance(advanceMillis);
    }
  }

  /**
   * The leader's expiry of leases ({@code LeaseExpireCommand}): the ids it saw expired by its
   * clock, of which apply revokes only those still expired at the stamp.
   */
  public record ExpireLeases(List<Long> ids, long advanceMillis) implements Step {
    @Override public Step withAdvance(long a) {
      return new ExpireLeases(ids, a);
    }

    @Override public List<Step> simpler() {
      List<Step> out = new ArrayList<>();
      for (int i = 0; ids.size() > 1 && i < ids.size(); i++) {
        out.add(new ExpireLeases(without(ids, i), advanceMillis));
      }
      for (long a : simplerAdvances(advanceMillis)) {
        out.add(new ExpireLeases(ids, a));
      }
      return out;
    }

    @Override public String toString() {
      return "expire leases " + ids + showAdvance(advanceMillis);
    }
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
   * Runs {@code step} on the store at {@code nowMillis}, transactions through {@code txns},
   * and, unless it is a read, checks the store's invariants after it; returns what the store
   * answered.
   */
  public static Object run(Step step, LeasedMap store, long nowMillis, TxnApply txns) {
    LruTtlMap map = store.map();
    Object answer;
    if (step instanceof Put p) {
      answer = store.put(p.key(), p.value(), p.ttl(), p.lease(), p.prev(), nowMillis);
    } else if (step instanceof Cas c) {
      answer = store.compareAndSet(c.key(), c.expected(), c.value(), c.ttl(), c.prev(),
          nowMillis);
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
      answer = txns.apply(t, store, nowMillis);
    } else if (step instanceof Grant g) {
      answer = store.grant(g.id(), g.ttlMillis(), nowMillis);
    } else if (step instanceof KeepAlive k) {
      answer = store.keepAlive(k.ids(), nowMillis);
    } else if (step instanceof Revoke r) {
      answer = store.revoke(r.id(), nowMillis);
    } else if (step instanceof ExpireLeases e) {
      answer = store.expireLeases(e.ids(), nowMillis);
    } else if (step instanceof Range r) {
      return switch (r.mode()) {
        case ENTRIES -> map.range(r.key(), r.rangeEnd(), r.limit(), r.maxBytes(), nowMillis);
        case KEYS -> map.rangeKeys(r.key(), r.rangeEnd(), r.limit(), r.maxBytes(), nowMillis);
        case COUNT -> map.count(r.key(), r.rangeEnd(), nowMillis);
      };
    } else {
      return map.get(((Get) step).key(), nowMillis);
    }
    store.checkInvariants();
    return withoutMessages(answer);
  }

  /** The model writes no refusal messages: only reasons are compared. */
  private static Object withoutMessages(Object outcome) {
    if (outcome instanceof Refused refused) {
      return new Refused(refused.reason(), "");
    } else if (outcome instanceof GrantOutcome.Refused refused) {
      return new GrantOutcome.Refused(refused.reason(), "");
    }
    return outcome;
  }

  public static Object run(Step step, ReferenceModel model, long nowMillis) {
    if (step instanceof Put p) {
      return model.put(p.key(), p.value(), p.ttl(), p.lease(), p.prev(), nowMillis);
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
      return model.txn(t, nowMillis);
    } else if (step instanceof Grant g) {
      return model.grant(g.id(), g.ttlMillis(), nowMillis);
    } else if (step instanceof KeepAlive k) {
      return model.keepAlive(k.ids(), nowMillis);
    } else if (step instanceof Revoke r) {
      return model.revoke(r.id(), nowMillis);
    } else if (step instanceof ExpireLeases e) {
      return model.expireLeases(e.ids(), nowMillis);
    } else if (step instanceof Range r) {
      return r.mode() == RangeMode.COUNT
          ? model.count(r.key(), r.rangeEnd(), nowMillis)
          : model.range(r.key(), r.rangeEnd(), r.limit(), r.maxBytes(),
              r.mode() == RangeMode.KEYS, nowMillis);
    }
    return model.get(((Get) step).key(), nowMillis);
  }

  /**
   * A store whose key order has the smallest nodes it allows, so that the few keys of a program
   * split and merge its leaves and inner nodes and ranges cross their boundaries.
   */
  public static LeasedMap storeWithSmallestNodes() {
    return new LeasedMap(LruTtlMap.withKeyOrderNodes(
        Settings.DEFAULTS, KeyOrder.MIN_CAPACITY, KeyOrder.MIN_CAPACITY),
        LeasedMap.unboundedLeases());
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

  private static <T> List<T> without(List<T> items, int index) {
    List<T> out = new ArrayList<>(items);
    out.remove(index);
    return out;
  }

  private static <T> List<T> replaced(List<T> items, int index, T item) {
    List<T> out = new ArrayList<>(items);
    out.set(index, item);
    return out;
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
