package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The map and its leases together against a naive model of the rules, on random programs of
 * puts with and without leases, deletes, grants, keep-alives, revokes, the leader's expiry of
 * leases and of keys, with the clock stepping forward and back; and two stores fed the same
 * program hold the same entries and write the same lease bytes.
 */
class LeasedMapPropertyTest {
  private static final int TRIALS = 500;
  private static final int MAX_PROGRAM_LENGTH = 80;
  private static final long START_MILLIS = 1_700_000_000_000L;
  private static final List<String> KEYS = List.of("a", "b", "c", "d");

  /** One command and the clock step before it (negative: a leader whose clock is behind). */
  record Step(String kind, String key, long lease, long millis, long advanceMillis) {
    @Override
    public String toString() {
      return kind + " " + key + " lease=" + lease + " millis=" + millis + " after "
          + advanceMillis + " ms";
    }
  }

  @Test
  void answersAsTheModelDoesAndTwinStoresAgree() {
    PropertyRunner.check("answersAsTheModelDoesAndTwinStoresAgree", TRIALS, programs(),
        program -> {
          LeasedMap store = new LeasedMap();
          LeasedMap twin = new LeasedMap();
          Model model = new Model();
          long stamp = START_MILLIS;
          for (int i = 0; i < program.size(); i++) {
            Step step = program.get(i);
            stamp += step.advanceMillis();
            String expected = model.run(step, stamp);
            assertThat(run(step, store, stamp)).as("step %d: %s", i, step).isEqualTo(expected);
            assertThat(run(step, twin, stamp)).as("twin, step %d: %s", i, step)
                .isEqualTo(expected);
            store.checkInvariants();
            long now = store.map().state().clockMillis();
            assertThat(view(store, now)).as("after step %d: %s", i, step)
                .isEqualTo(model.view());
            assertThat(MapContents.of(twin.map())).isEqualTo(MapContents.of(store.map()));
            assertThat(LeaseTablePropertyTest.snapshot(twin.leases()))
                .isEqualTo(LeaseTablePropertyTest.snapshot(store.leases()));
          }
        });
  }

  /** What the store answers to a step, as text the model writes too. */
  private static String run(Step step, LeasedMap store, long stamp) {
    byte[] key = utf8(step.key());
    return switch (step.kind()) {
      case "put" -> {
        WriteOutcome outcome = store.put(key, utf8("v" + stamp), step.millis() < 0
            ? OptionalLong.empty() : OptionalLong.of(step.millis()), step.lease(), false, stamp);
        yield outcome instanceof WriteOutcome.Stored stored ? "stored " + stored.version()
            : "refused " + ((Refused) outcome).reason();
      }
      case "delete" -> {
        WriteOutcome outcome = store.map().delete(key, Optional.empty(), false, stamp);
        yield outcome instanceof WriteOutcome.Deleted deleted ? "deleted " + deleted.revision()
            : "not found";
      }
      case "grant" -> {
        GrantOutcome outcome = store.grant(step.lease(), step.millis(), stamp);
        yield outcome instanceof GrantOutcome.Granted granted
            ? "granted " + granted.lease().id() + " until " + granted.lease().expireAtMillis()
            : "refused " + ((GrantOutcome.Refused) outcome).reason();
      }
      case "keep-alive" -> "renewed " + store.keepAlive(List.of(step.lease()), stamp).renewed()
          .stream().map(lease -> lease.id() + " until " + lease.expireAtMillis()).toList();
      case "revoke" -> store.revoke(step.lease(), stamp)
          .map(r -> "revoked, " + r.deleted() + " deleted at " + r.revision())
          .orElse("not found");
      case "expire-leases" -> {
        List<Long> all = store.leases().list().stream().map(Lease::id).toList();
        Revocation revoked = store.expireLeases(all, stamp);
        yield "expired " + revoked.leases().stream().map(Lease::id).toList() + ", "
            + revoked.deleted() + " deleted at " + revoked.revision();
      }
      case "expire-keys" -> {
        store.map().expire(LruTtlMap.EXPIRE_COMMAND_LIMIT, stamp);
        yield "ok";
      }
      default -> throw new IllegalArgumentException(step.kind());
    };
  }

  /** The live keys with their lease, and every lease with its expiry and live keys. */
  private static String view(LeasedMap store, long now) {
    Map<String, String> keys = new TreeMap<>();
    for (String key : KEYS) {
      store.map().get(utf8(key), now).ifPresent(entry -> keys.put(key,
          new String(entry.value(), StandardCharsets.UTF_8) + "@" + store.leaseOf(utf8(key))));
    }
    String leases = store.leases().list().stream()
        .map(lease -> lease.id() + "->" + lease.expireAtMillis() + store.leases()
            .keys(lease.id()).stream().map(k -> new String(k, StandardCharsets.UTF_8))
            .filter(keys::containsKey).toList())
        .collect(Collectors.joining(" "));
    return keys + " | " + leases + " | revision " + store.map().state().revision();
  }

  /** The rules, plainly: entries and leases in tree maps, apply time the largest stamp. */
  private static final class Model {
    private record ModelEntry(String value, long expireAt, long lease) {}

    private static final class ModelLease {
      final long ttl;
      long expireAt;

      ModelLease(long ttl, long expireAt) {
        this.ttl = ttl;
        this.expireAt = expireAt;
      }
    }

    private final Map<String, ModelEntry> entries = new TreeMap<>();
    private final Map<Long, ModelLease> leases = new TreeMap<>();
    private long clock;
    private long revision;
    private long nextId = 1;

    String run(Step step, long stamp) {
      clock = Math.max(clock, stamp);
      entries.values().removeIf(entry -> entry.expireAt() != 0 && entry.expireAt() <= clock);
      String key = step.key();
      switch (step.kind()) {
        case "put": {
          if (step.lease() != 0 && !leases.containsKey(step.lease())) {
            return "refused LEASE_NOT_FOUND";
          }
          long ttl = step.millis() < 0 ? 0 : step.millis();
          entries.put(key, new ModelEntry("v" + stamp, ttl == 0 ? 0 : clock + ttl, step.lease()));
          return "stored " + ++revision;
        }
        case "delete":
          return entries.remove(key) == null ? "not found" : "deleted " + ++revision;
        case "grant": {
          if (step.lease() != 0 && leases.containsKey(step.lease())) {
            return "refused LEASE_EXISTS";
          }
          long id = step.lease() == 0 ? nextId : step.lease();
          nextId = Math.max(nextId, id + 1);
          leases.put(id, new ModelLease(step.millis(), clock + step.millis()));
          return "granted " + id + " until " + (clock + step.millis());
        }
        case "keep-alive": {
          ModelLease lease = leases.get(step.lease());
          if (lease == null) {
            return "renewed []";
          }
          lease.expireAt = Math.max(lease.expireAt, clock + lease.ttl);
          return "renewed [" + step.lease() + " until " + lease.expireAt + "]";
        }
        case "revoke":
          if (leases.remove(step.lease()) == null) {
            return "not found";
          }
          int deleted = deleteKeysOf(List.of(step.lease()));
          return "revoked, " + deleted + " deleted at " + revision;
        case "expire-leases": {
          List<Long> expired = leases.entrySet().stream()
              .filter(e -> e.getValue().expireAt <= clock).map(Map.Entry::getKey).toList();
          expired.forEach(leases::remove);
          int gone = deleteKeysOf(expired);
          return "expired " + expired + ", " + gone + " deleted at " + revision;
        }
        case "expire-keys":
          return "ok";
        default:
          throw new IllegalArgumentException(step.kind());
      }
    }

    /** Deletes the live keys of the leases at one revision; returns how many. */
    private int deleteKeysOf(List<Long> ids) {
      List<String> doomed = entries.entrySet().stream()
          .filter(e -> ids.contains(e.getValue().lease())).map(Map.Entry::getKey).toList();
      doomed.forEach(entries::remove);
      if (!doomed.isEmpty()) {
        revision++;
      }
      return doomed.size();
    }

    String view() {
      Map<String, String> keys = new TreeMap<>();
      entries.forEach((key, entry) -> keys.put(key, entry.value() + "@" + entry.lease()));
      String shown = leases.entrySet().stream()
          .map(e -> e.getKey() + "->" + e.getValue().expireAt + entries.entrySet().stream()
              .filter(k -> k.getValue().lease() == e.getKey()).map(Map.Entry::getKey).toList())
          .collect(Collectors.joining(" "));
      return keys + " | " + shown + " | revision " + revision;
    }
  }

  private static PropertyRunner.Domain<List<Step>> programs() {
    return new PropertyRunner.Domain<>() {
      @Override
      public List<Step> generate(SplittableRandom random) {
        int length = random.nextInt(MAX_PROGRAM_LENGTH + 1);
        List<Step> program = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
          program.add(step(random));
        }
        return program;
      }

      @Override
      public Stream<List<Step>> shrink(List<Step> failing) {
        return IntStream.range(0, failing.size()).mapToObj(i -> {
          List<Step> shorter = new ArrayList<>(failing);
          shorter.remove(i);
          return shorter;
        });
      }

      @Override
      public int size(List<Step> program) {
        return program.size();
      }

      @Override
      public String describe(List<Step> program) {
        return program.stream().map(step -> "    " + step).collect(Collectors.joining("\n"));
      }
    };
  }

  private static Step step(SplittableRandom random) {
    String key = KEYS.get(random.nextInt(KEYS.size()));
    long lease = random.nextInt(5); // 0 = none, or one of a few ids
    long advance = random.nextInt(8) == 0 ? -random.nextInt(3_000) : random.nextInt(4_000);
    return switch (random.nextInt(10)) {
      case 0, 1, 2 -> new Step("put", key, lease,
          random.nextBoolean() ? -1 : random.nextInt(3) * 3_000L, advance);
      case 3 -> new Step("delete", key, 0, 0, advance);
      case 4, 5 -> new Step("grant", key, random.nextBoolean() ? 0 : lease,
          5_000 + random.nextInt(4) * 1_000L, advance);
      case 6 -> new Step("keep-alive", key, lease, 0, advance);
      case 7 -> new Step("revoke", key, lease, 0, advance);
      case 8 -> new Step("expire-leases", key, 0, 0, advance);
      default -> new Step("expire-keys", key, 0, 0, advance);
    };
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
