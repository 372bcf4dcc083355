package io.pensieve.store;

import io.pensieve.api.KeyRanges;
import io.pensieve.store.Programs.Cas;
import io.pensieve.store.Programs.Configure;
import io.pensieve.store.Programs.Delete;
import io.pensieve.store.Programs.DeleteRange;
import io.pensieve.store.Programs.Expire;
import io.pensieve.store.Programs.ExpireLeases;
import io.pensieve.store.Programs.Get;
import io.pensieve.store.Programs.Grant;
import io.pensieve.store.Programs.KeepAlive;
import io.pensieve.store.Programs.Put;
import io.pensieve.store.Programs.Range;
import io.pensieve.store.Programs.RangeMode;
import io.pensieve.store.Programs.Revoke;
import io.pensieve.store.Programs.Step;
import io.pensieve.store.Programs.Touch;
import io.pensieve.store.Programs.Txn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Random programs from one seeded source: a small key space and a few lease ids so that
 * commands collide, tight limits so that eviction, refusal and expiry all happen, and time that
 * mostly moves forward but sometimes steps back, as it does when leadership changes, and
 * sometimes jumps by seconds, so that leases expire.
 */
final class ProgramGenerator {
  private static final String[] HOT_KEYS = {"a", "b", "c", "d", "ee", "ff", "ggg", "hhhh"};
  private static final String[] ODD_KEYS = {"", "toolong-key"};
  private static final String[] COMMON_VALUES = {"", "x", "yy", "value"};
  /** Keys ending in 0xff bytes, whose prefix ends carry over as etcd's do. */
  private static final byte[][] HIGH_KEYS = {{(byte) 0xff}, {(byte) 0xff, (byte) 0xff},
      {'k', (byte) 0xff}, {'k', '1', (byte) 0xff}};
  /** Range starts and prefixes that hit many keys: all of them, the k keys, k1 and k10-k19. */
  private static final String[] PREFIXES = {"", "k", "k1", "h", "a"};

  /** Lease ids 1 to this: programs grant some of them, and name all. */
  private static final int LEASE_IDS = 5;
  private static final List<Long> ALL_LEASE_IDS = List.of(1L, 2L, 3L, 4L, 5L);

  private final SplittableRandom random;
  /**
   * Whether this program's clock mostly stands still. Then many entries share an expiry
   * instant, and the order in which they expire is put to the test.
   */
  private final boolean slowClock;

  ProgramGenerator(SplittableRandom random) {
    this.random = random;
    this.slowClock = random.nextInt(3) == 0;
  }

  /** Short programs as often as long ones: most bugs need only a few steps to show. */
  List<Step> program(int maxLength) {
    int length = random.nextBoolean()
        ? random.nextInt(Math.min(maxLength, 20) + 1)
        : random.nextInt(maxLength + 1);
    List<Step> program = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      program.add(step());
    }
    return program;
  }

  private Step step() {
    int pick = random.nextInt(48);
    if (pick >= 38) {
      return leaseStep(pick - 38);
    }
    if (pick < 10) {
      long lease = lease();
      return new Put(key(), value(), leasedTtl(lease), lease, random.nextBoolean(), advance());
    } else if (pick < 14) {
      return new Cas(key(), expectation(), value(), ttl(), random.nextBoolean(), advance());
    } else if (pick < 17) {
      Optional<Expectation> expected =
          random.nextInt(10) < 3 ? Optional.of(expectation()) : Optional.empty();
      return new Delete(key(), expected, random.nextBoolean(), advance());
    } else if (pick < 19) {
      List<byte[]> keys = new ArrayList<>();
      for (int n = random.nextInt(5); n > 0; n--) {
        keys.add(key());
      }
      return new Touch(keys, advance());
    } else if (pick < 21) {
      int limit = random.nextInt(6) < 5 ? between(0, 3) : between(4, 30);
      return new Expire(limit, advance());
    } else if (pick < 23) {
      return new Configure(settingsUpdate(), random.nextBoolean(), advance());
    } else if (pick < 29) {
      return new Get(key(), between(0, 40));
    } else if (pick >= 35) {
      return txn();
    } else if (pick < 33) {
      byte[] start = rangeStart();
      RangeMode mode = random.nextInt(4) < 2 ? RangeMode.ENTRIES : oneOf(RangeMode.values());
      int limit = random.nextBoolean() ? 0 : between(1, 4);
      long maxBytes = random.nextBoolean() ? 0 : between(1, 40);
      return new Range(start, rangeEnd(start), limit, maxBytes, mode, between(0, 40));
    }
    byte[] start = rangeStart();
    int maxKeys = random.nextInt(10) < 8 ? between(1, 8) : between(0, 60);
    return new DeleteRange(start, rangeEnd(start), maxKeys, random.nextBoolean(), advance());
  }

  /** One of ten: grants, keep-alives, revokes and the leader's expiry of leases. */
  private Step leaseStep(int pick) {
    if (pick < 4) {
      // a chosen id or the next one, TTLs at and near the minimum, rarely out of range
      long id = random.nextInt(3) == 0 ? 0 : between(1, LEASE_IDS);
      long ttl = switch (random.nextInt(16)) {
        case 0 -> LeaseTable.MIN_TTL_MILLIS - 1;
        case 1 -> LeaseTable.MAX_TTL_MILLIS + 1;
        case 2, 3, 4, 5, 6, 7 -> LeaseTable.MIN_TTL_MILLIS;
        case 8, 9, 10 -> LeaseTable.MIN_TTL_MILLIS + between(1, 20);
        default -> between(6, 10) * 1000L;
      };
      return new Grant(id, ttl, advance());
    } else if (pick < 7) {
      return new KeepAlive(leaseIds(), advance());
    } else if (pick < 8) {
      return new Revoke(between(1, LEASE_IDS), advance());
    }
    // the leader names the leases it sees expired: often every one a program names
    return new ExpireLeases(random.nextBoolean() ? ALL_LEASE_IDS : leaseIds(), advance());
  }

  /** One to three lease ids, some never granted, some revoked by the time they are named. */
  private List<Long> leaseIds() {
    List<Long> ids = new ArrayList<>();
    for (int n = between(1, 3); n > 0; n--) {
      ids.add((long) between(1, LEASE_IDS));
    }
    return ids;
  }

  /**
   * Mostly none; else mostly one of the first ids, which grants of the next id take first, and
   * sometimes one that is rarely granted.
   */
  private long lease() {
    int pick = random.nextInt(12);
    return pick < 7 ? 0 : pick < 11 ? between(1, 3) : between(4, LEASE_IDS + 1);
  }

  /**
   * A transaction: up to two compares, then a success branch of one to four writes and a
   * failure branch of up to two, each branch's writes on disjoint keys.
   */
  private Txn txn() {
    List<Programs.KeyCompare> compares = new ArrayList<>();
    for (int n = random.nextInt(3); n > 0; n--) {
      compares.add(compare());
    }
    return new Txn(compares, writes(between(1, 4)), writes(random.nextInt(3)), advance());
  }

  private Programs.KeyCompare compare() {
    Programs.CompareTarget target = oneOf(Programs.CompareTarget.values());
    // exists with < or > is malformed: rarely
    Programs.CompareOp op = target == Programs.CompareTarget.EXISTS && random.nextInt(10) > 0
        ? oneOf(Programs.CompareOp.EQUAL, Programs.CompareOp.NOT_EQUAL)
        : oneOf(Programs.CompareOp.values());
    long value = switch (target) {
      case VERSION, CREATE_REVISION -> between(0, 12);
      case LEASE -> random.nextInt(4) == 0 ? 0 : between(1, 3);
      case EXISTS -> random.nextInt(2);
    };
    // the hot keys, which puts with leases attach most
    byte[] key = random.nextInt(4) > 0
        ? oneOf(HOT_KEYS).getBytes(StandardCharsets.US_ASCII) : key();
    return new Programs.KeyCompare(key, target, op, value);
  }

  /**
   * Up to {@code max} writes on disjoint keys: sometimes a delete-range, then puts and deletes
   * of keys outside it, each key once.
   */
  private List<Step> writes(int max) {
    List<Step> writes = new ArrayList<>();
    if (max == 0) {
      return writes;
    }
    byte[] start = null;
    byte[] end = null;
    if (random.nextInt(3) == 0) {
      start = rangeStart();
      end = rangeEnd(start);
      int maxKeys = random.nextInt(10) < 8 ? between(1, 8) : between(0, 60);
      writes.add(new DeleteRange(start, end, maxKeys, random.nextBoolean(), 0));
    }
    List<byte[]> used = new ArrayList<>();
    for (int n = between(Math.min(1, max - writes.size()), max - writes.size()); n > 0; n--) {
      byte[] key = key();
      boolean taken = used.stream().anyMatch(k -> Arrays.equals(k, key));
      if (taken || (start != null && inRange(key, start, end))) {
        continue;
      }
      used.add(key);
      writes.add(random.nextInt(3) < 2
          ? txnPut(key)
          : new Delete(key, Optional.empty(), random.nextBoolean(), 0));
    }
    return writes;
  }

  /** A put of a transaction: a TTL out of range, which refuses it whole, only rarely. */
  private Put txnPut(byte[] key) {
    long lease = lease();
    OptionalLong ttl = leasedTtl(lease);
    if (ttl.orElse(0) < 0 && random.nextInt(4) > 0) {
      ttl = OptionalLong.empty();
    }
    return new Put(key, value(), ttl, lease, random.nextBoolean(), 0);
  }

  /** Keys put with a lease mostly live as long as it does, as clients use them. */
  private OptionalLong leasedTtl(long lease) {
    return lease != 0 && random.nextInt(4) > 0 ? OptionalLong.empty() : ttl();
  }

  /** Whether {@code key} is in {@code [start, end)} as ranges read it. */
  private static boolean inRange(byte[] key, byte[] start, byte[] end) {
    if (end.length == 0) {
      return Arrays.equals(key, start);
    }
    boolean fromKey = end.length == 1 && end[0] == 0;
    return Arrays.compareUnsigned(key, start) >= 0
        && (fromKey || Arrays.compareUnsigned(key, end) < 0);
  }

  /** A key, or a prefix of many keys. */
  private byte[] rangeStart() {
    return random.nextBoolean() ? key()
        : oneOf(PREFIXES).getBytes(StandardCharsets.US_ASCII);
  }

  /** The key alone, every key from it, its prefix's end, or any key (before it, sometimes). */
  private byte[] rangeEnd(byte[] start) {
    return switch (random.nextInt(5)) {
      case 0 -> new byte[0];
      case 1 -> Programs.FROM_KEY.clone();
      case 2, 3 -> KeyRanges.prefixEnd(start);
      default -> key();
    };
  }

  /**
   * Mostly eight hot keys, so that commands collide; sometimes one of forty more, so that more
   * entries expire at once than one command removes; rarely the empty key or one longer than
   * any key limit generated, or one ending in 0xff bytes.
   */
  private byte[] key() {
    int pick = random.nextInt(25);
    if (pick >= 23) {
      return oneOf(HIGH_KEYS).clone();
    }
    String key = pick < 16 ? oneOf(HOT_KEYS)
        : pick < 22 ? "k" + random.nextInt(40)
        : oneOf(ODD_KEYS);
    return key.getBytes(StandardCharsets.US_ASCII);
  }

  /** A few fixed values, so that value comparisons match often, and random ones. */
  private byte[] value() {
    if (random.nextBoolean()) {
      return oneOf(COMMON_VALUES).getBytes(StandardCharsets.US_ASCII);
    }
    byte[] value = new byte[random.nextInt(25)];
    random.nextBytes(value);
    return value;
  }

  private OptionalLong ttl() {
    return switch (random.nextInt(6)) {
      case 0 -> OptionalLong.empty();
      case 1 -> OptionalLong.of(0);
      case 2 -> OptionalLong.of(between(1, 60));
      // two common TTLs, so that entries often expire at the same instant and the order
      // among them matters
      case 3, 4 -> OptionalLong.of(random.nextBoolean() ? 5 : 10);
      default -> OptionalLong.of(-1);
    };
  }

  private long advance() {
    if (slowClock && random.nextInt(5) < 4) {
      return 0;
    }
    int pick = random.nextInt(32);
    if (pick < 8) {
      return 0;
    } else if (pick < 24) {
      return between(1, 10);
    } else if (pick < 26) {
      return between(-20, -1);
    } else if (pick < 29) {
      return between(30, 100);
    } else if (pick < 31) {
      // seconds: leases granted at the minimum TTL expire over a few of these
      return between(1_000, 4_000);
    }
    // a leader whose clock is seconds behind the last one's
    return between(-3_000, -500);
  }

  private Expectation expectation() {
    return switch (random.nextInt(3)) {
      case 0 -> Expectation.version(between(0, 12));
      case 1 -> Expectation.value(value());
      default -> Expectation.absent();
    };
  }

  private SettingsUpdate settingsUpdate() {
    OptionalLong maxEntries = random.nextInt(10) < 6
        ? OptionalLong.of(between(-1, 30)) : OptionalLong.empty();
    OptionalLong maxBytes = random.nextBoolean() ? OptionalLong.of(maxBytes()) : OptionalLong.empty();
    Optional<EvictionPolicy> policy = random.nextBoolean()
        ? Optional.of(oneOf(EvictionPolicy.values())) : Optional.empty();
    OptionalLong defaultTtl = random.nextInt(10) < 4
        ? OptionalLong.of(between(0, 50)) : OptionalLong.empty();
    OptionalInt maxKey = random.nextInt(10) < 4 ? OptionalInt.of(between(1, 5)) : OptionalInt.empty();
    OptionalInt maxValue =
        random.nextInt(10) < 4 ? OptionalInt.of(between(0, 30)) : OptionalInt.empty();
    // sometimes a bound the store's leases and transactions meet: few leases, small delete-ranges
    OptionalInt maxDeleteRangeKeys =
        random.nextInt(10) == 0 ? OptionalInt.of(between(1, 3)) : OptionalInt.empty();
    OptionalInt maxLeases =
        random.nextInt(10) == 0 ? OptionalInt.of(between(1, 4)) : OptionalInt.empty();
    return new SettingsUpdate(maxEntries, maxBytes, policy, defaultTtl, maxKey, maxValue,
        OptionalInt.empty(), OptionalLong.empty(), maxDeleteRangeKeys, OptionalInt.empty(),
        maxLeases);
  }

  /**
   * Any limit up to 600 bytes, or one that a few small entries fill exactly, so that a write
   * that just fits (or just does not) happens often enough to check both sides of the limit.
   */
  private long maxBytes() {
    if (random.nextBoolean()) {
      return between(0, 600);
    }
    long bytes = 0;
    for (int n = between(1, 6); n > 0; n--) {
      bytes += LruTtlMap.ENTRY_OVERHEAD_BYTES + between(1, 2) + oneOf(COMMON_VALUES).length();
    }
    return bytes;
  }

  private int between(int min, int max) {
    return random.nextInt(min, max + 1);
  }

  @SafeVarargs
  private <T> T oneOf(T... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
