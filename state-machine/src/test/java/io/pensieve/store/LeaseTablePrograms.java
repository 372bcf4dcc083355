package io.pensieve.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Programs for the lease table's property tests: lease commands and reads on a small id and key
 * space, so that they collide, with a clock that mostly moves forward and sometimes steps back,
 * as it does when a node whose clock is behind becomes leader. Answers are written as text, the
 * same for the table and the reference model, so a disagreement reads at a glance.
 */
final class LeaseTablePrograms {
  static final long START_MILLIS = 1_700_000_000_000L;
  /** Small, so that the table fills up and refuses grants within a program. */
  static final int MAX_LEASES = 6;

  private static final HexFormat HEX = HexFormat.of();
  /** Hex keys chosen so that signed and unsigned byte order, and prefixes, disagree. */
  private static final String[] KEYS = {"61", "6162", "62", "7f", "80", "ff", "00", ""};
  private static final long[] ODD_IDS = {-1, LeaseTable.MAX_CLIENT_ID, LeaseTable.MAX_CLIENT_ID + 1};
  private static final long[] ODD_TTLS = {
      0, -1, LeaseTable.MIN_TTL_MILLIS - 1, LeaseTable.MIN_TTL_MILLIS,
      LeaseTable.MAX_TTL_MILLIS, LeaseTable.MAX_TTL_MILLIS + 1};

  private LeaseTablePrograms() {}

  /** One command or read; each runs at the program's clock, which only {@link Clock} moves. */
  sealed interface Step {}

  record Grant(long id, long ttlMillis) implements Step {
    @Override public String toString() {
      return "grant " + (id == 0 ? "(next id)" : id) + " ttl " + ttlMillis;
    }
  }

  record KeepAlive(List<Long> ids) implements Step {
    @Override public String toString() {
      return "keep-alive " + ids;
    }
  }

  record Revoke(long id) implements Step {
    @Override public String toString() {
      return "revoke " + id;
    }
  }

  record RevokeExpired(List<Long> ids) implements Step {
    @Override public String toString() {
      return "revoke-expired " + ids;
    }
  }

  record Attach(String keyHex, long id) implements Step {
    @Override public String toString() {
      return "attach '" + keyHex + "' to " + id;
    }
  }

  record Detach(String keyHex, long id) implements Step {
    @Override public String toString() {
      return "detach '" + keyHex + "' from " + id;
    }
  }

  /**
   * The leader's expiry round: it proposes the ids {@code expired(now, max)} names, and the
   * command's apply revokes those still expired.
   */
  record LeaderExpires(int max) implements Step {
    @Override public String toString() {
      return "leader expires max " + max;
    }
  }

  record Expired(int max) implements Step {
    @Override public String toString() {
      return "expired max " + max;
    }
  }

  record TimeToLive(long id) implements Step {
    @Override public String toString() {
      return "time-to-live " + id;
    }
  }

  record LeaseOf(String keyHex) implements Step {
    @Override public String toString() {
      return "lease-of '" + keyHex + "'";
    }
  }

  record ListAll() implements Step {
    @Override public String toString() {
      return "list";
    }
  }

  /** Moves the clock by {@code deltaMillis}, backwards when negative (a leader behind). */
  record Clock(long deltaMillis) implements Step {
    @Override public String toString() {
      return "clock " + (deltaMillis >= 0 ? "+" : "") + deltaMillis;
    }
  }

  static long clockAfter(long clockMillis, Step step) {
    return step instanceof Clock clock ? Math.max(0, clockMillis + clock.deltaMillis()) : clockMillis;
  }

  // ---- running ----

  /** Runs {@code step} on the table at {@code nowMillis}; returns its answer as text. */
  static String run(Step step, LeaseTable table, long nowMillis) {
    if (step instanceof Grant g) {
      GrantOutcome outcome = table.grant(g.id(), g.ttlMillis(), nowMillis);
      return outcome instanceof GrantOutcome.Granted granted
          ? "granted " + show(granted.lease())
          : "refused " + ((GrantOutcome.Refused) outcome).reason();
    } else if (step instanceof KeepAlive k) {
      KeepAliveOutcome outcome = table.keepAlive(k.ids(), nowMillis);
      return "renewed " + showLeases(outcome.renewed()) + " not found " + outcome.notFound();
    } else if (step instanceof Revoke r) {
      return show(table.revoke(r.id()));
    } else if (step instanceof RevokeExpired r) {
      return showRevoked(table.revokeExpired(r.ids(), nowMillis));
    } else if (step instanceof Attach a) {
      AttachOutcome outcome = table.attach(HEX.parseHex(a.keyHex()), a.id());
      return outcome instanceof AttachOutcome.Attached attached
          ? "attached, previous " + attached.previousLease()
          : "not found " + ((LeaseNotFound) outcome).id();
    } else if (step instanceof Detach d) {
      return "detached " + table.detach(HEX.parseHex(d.keyHex()), d.id());
    } else if (step instanceof LeaderExpires e) {
      return showRevoked(table.revokeExpired(table.expired(nowMillis, e.max()), nowMillis));
    } else if (step instanceof Expired e) {
      return "expired " + table.expired(nowMillis, e.max());
    } else if (step instanceof TimeToLive t) {
      return table.timeToLive(t.id(), nowMillis)
          .map(ttl -> "ttl " + ttl.id() + " remaining " + ttl.remainingMillis() + " of "
              + ttl.grantedTtlMillis() + " keys " + showKeys(ttl.keys()))
          .orElse("no lease " + t.id());
    } else if (step instanceof LeaseOf l) {
      return "lease " + table.leaseOf(HEX.parseHex(l.keyHex()));
    } else if (step instanceof ListAll) {
      return "leases " + showLeases(table.list());
    } else if (step instanceof Clock) {
      return "";
    }
    throw new IllegalArgumentException("unknown step " + step);
  }

  /** Everything the table holds, as text: next id, then each lease with its keys. */
  static String contents(LeaseTable table) {
    StringBuilder out = new StringBuilder("next id " + table.nextId());
    for (Lease lease : table.list()) {
      out.append("\n  ").append(show(lease)).append(' ').append(showKeys(table.keys(lease.id())));
    }
    return out.toString();
  }

  static String show(Lease lease) {
    return "lease " + lease.id() + " ttl " + lease.ttlMillis() + " expires " + lease.expireAtMillis()
        + " keys " + lease.keyCount();
  }

  static String show(RevokeOutcome outcome) {
    return outcome instanceof RevokeOutcome.Revoked revoked
        ? "revoked " + show(revoked.lease()) + " " + showKeys(revoked.keys())
        : "not found " + ((LeaseNotFound) outcome).id();
  }

  static String showRevoked(List<RevokeOutcome.Revoked> revoked) {
    StringJoiner out = new StringJoiner(", ", "[", "]");
    revoked.forEach(r -> out.add(show(r)));
    return out.toString();
  }

  static String showLeases(List<Lease> leases) {
    StringJoiner out = new StringJoiner(", ", "[", "]");
    leases.forEach(lease -> out.add(show(lease)));
    return out.toString();
  }

  static String showKeys(List<byte[]> keys) {
    StringJoiner out = new StringJoiner(", ", "[", "]");
    keys.forEach(key -> out.add("'" + HEX.formatHex(key) + "'"));
    return out.toString();
  }

  // ---- generating and shrinking ----

  static PropertyRunner.Domain<List<Step>> upTo(int maxLength) {
    return new PropertyRunner.Domain<>() {
      @Override public List<Step> generate(SplittableRandom random) {
        return program(random, maxLength);
      }

      @Override public Stream<List<Step>> shrink(List<Step> failing) {
        return shrunk(failing);
      }

      @Override public int size(List<Step> value) {
        return value.size();
      }

      @Override public String describe(List<Step> value) {
        return LeaseTablePrograms.describe(value);
      }
    };
  }

  static String describe(List<Step> program) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < program.size(); i++) {
      out.append(String.format("  %3d  %s%n", i, program.get(i)));
    }
    return out.toString();
  }

  /** Short programs as often as long ones: most bugs need only a few steps to show. */
  static List<Step> program(SplittableRandom random, int maxLength) {
    int length = random.nextBoolean()
        ? random.nextInt(Math.min(maxLength, 20) + 1)
        : random.nextInt(maxLength + 1);
    Generator generator = new Generator(random);
    List<Step> program = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      program.add(generator.step());
    }
    return program;
  }

  /**
   * Draws steps, remembering the ids it granted and which lease it last attached each key to,
   * so that most keep-alives, attaches and detaches name a lease that may well exist (a guess:
   * the generator does not run the steps, so grants it counts may have been refused).
   */
  private static final class Generator {
    private final SplittableRandom random;
    private final List<Long> granted = new ArrayList<>();
    private final Map<String, Long> attached = new HashMap<>();
    private long nextId = 1;

    Generator(SplittableRandom random) {
      this.random = random;
    }

    Step step() {
      int pick = random.nextInt(32);
      if (pick < 6) {
        return grant();
      } else if (pick < 10) {
        return new KeepAlive(ids());
      } else if (pick < 12) {
        return new Revoke(id());
      } else if (pick < 13) {
        return new RevokeExpired(ids());
      } else if (pick < 17) {
        String key = key();
        long id = id();
        attached.put(key, id);
        return new Attach(key, id);
      } else if (pick < 19) {
        String key = key();
        Long last = attached.get(key);
        return new Detach(key, last != null && random.nextInt(4) != 0 ? last : id());
      } else if (pick < 21) {
        return new Expired(random.nextInt(4));
      } else if (pick < 22) {
        return new TimeToLive(id());
      } else if (pick < 23) {
        return new LeaseOf(key());
      } else if (pick < 24) {
        return new ListAll();
      } else if (pick < 26) {
        return new LeaderExpires(1 + random.nextInt(3));
      }
      return new Clock(clockStep());
    }

    /** A third without an id; the rest mostly small ids, sometimes ones no client may choose. */
    private Step grant() {
      long id = random.nextInt(3) == 0 ? 0
          : random.nextInt(12) == 0 ? ODD_IDS[random.nextInt(ODD_IDS.length)]
          : 1L + random.nextInt(10);
      long ttl = random.nextInt(8) == 0
          ? ODD_TTLS[random.nextInt(ODD_TTLS.length)]
          // whole half-seconds, so that expiry instants and stamps coincide often
          : LeaseTable.MIN_TTL_MILLIS + 500L * random.nextInt(21);
      if (id >= 0 && id <= LeaseTable.MAX_CLIENT_ID) {
        long assigned = id == 0 ? nextId : id;
        nextId = Math.max(nextId, assigned + 1);
        granted.add(assigned);
      }
      return new Grant(id, ttl);
    }

    /** Mostly an id granted earlier; sometimes any small one. */
    private long id() {
      return granted.isEmpty() || random.nextInt(5) == 0
          ? 1L + random.nextInt(10)
          : granted.get(random.nextInt(granted.size()));
    }

    private List<Long> ids() {
      return IntStream.range(0, random.nextInt(4)).mapToObj(i -> id()).toList();
    }

    private String key() {
      return KEYS[random.nextInt(KEYS.length)];
    }

    /** Forward by up to 8 s mostly; back by up to 4 s a quarter of the time. */
    private long clockStep() {
      return random.nextInt(4) == 0
          ? -500L * random.nextInt(1, 9)
          : 500L * random.nextInt(17);
    }
  }

  /**
   * Halves, quarters and so on removed, then single steps, then neighbouring clock steps merged
   * into one, then simpler single steps.
   */
  static Stream<List<Step>> shrunk(List<Step> program) {
    Stream<List<Step>> chunks = Stream.iterate(program.size() / 2, n -> n > 0, n -> n / 2)
        .flatMap(chunk -> IntStream.iterate(0, from -> from + chunk <= program.size(),
                from -> from + chunk)
            .mapToObj(from -> without(program, from, from + chunk)));
    Stream<List<Step>> simpler = IntStream.range(0, program.size()).boxed()
        .flatMap(i -> simpler(program.get(i)).stream().map(step -> replaced(program, i, step)));
    Stream<List<Step>> merged = IntStream.range(0, Math.max(0, program.size() - 1))
        .filter(i -> program.get(i) instanceof Clock && program.get(i + 1) instanceof Clock)
        .mapToObj(i -> {
          List<Step> out = without(program, i + 1, i + 2);
          out.set(i, new Clock(((Clock) program.get(i)).deltaMillis()
              + ((Clock) program.get(i + 1)).deltaMillis()));
          return out;
        });
    return Stream.concat(chunks, Stream.concat(merged, simpler));
  }

  private static List<Step> simpler(Step step) {
    if (step instanceof KeepAlive k && k.ids().size() > 1) {
      return k.ids().stream().map(id -> (Step) new KeepAlive(List.of(id))).toList();
    } else if (step instanceof RevokeExpired r && r.ids().size() > 1) {
      return r.ids().stream().map(id -> (Step) new RevokeExpired(List.of(id))).toList();
    } else if (step instanceof Clock c && Math.abs(c.deltaMillis()) > 500) {
      return List.of(new Clock(c.deltaMillis() / 2 / 500 * 500));
    }
    return List.of();
  }

  private static List<Step> without(List<Step> program, int from, int to) {
    List<Step> out = new ArrayList<>(program.subList(0, from));
    out.addAll(program.subList(to, program.size()));
    return out;
  }

  private static List<Step> replaced(List<Step> program, int index, Step step) {
    List<Step> out = new ArrayList<>(program);
    out.set(index, step);
    return out;
  }
}
