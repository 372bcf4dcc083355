package io.pensieve.store;

import io.pensieve.store.LeaseTablePrograms.Attach;
import io.pensieve.store.LeaseTablePrograms.Clock;
import io.pensieve.store.LeaseTablePrograms.Detach;
import io.pensieve.store.LeaseTablePrograms.Expired;
import io.pensieve.store.LeaseTablePrograms.Grant;
import io.pensieve.store.LeaseTablePrograms.KeepAlive;
import io.pensieve.store.LeaseTablePrograms.LeaderExpires;
import io.pensieve.store.LeaseTablePrograms.LeaseOf;
import io.pensieve.store.LeaseTablePrograms.ListAll;
import io.pensieve.store.LeaseTablePrograms.Revoke;
import io.pensieve.store.LeaseTablePrograms.RevokeExpired;
import io.pensieve.store.LeaseTablePrograms.Step;
import io.pensieve.store.LeaseTablePrograms.TimeToLive;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * The lease rules written as plainly as possible, to check the table against: a hash map of
 * leases whose keys are hex strings (fixed-width lowercase hex sorts as unsigned bytes do), where
 * every read scans and sorts. Slow and obviously right, unless a bug is planted on purpose.
 */
final class LeaseTableModel {
  /** Bugs the property tests must catch; see {@code LeaseTablePlantedBugsTest}. */
  enum PlantedBug {
    NONE,
    /** A keep-alive sets {@code expireAt = stamp + ttl}, shortening it under a clock behind. */
    KEEP_ALIVE_SHORTENS,
    /** {@code expired} also names leases due within the next second ({@code expireAt > stamp}). */
    EXPIRED_TOO_EARLY
  }

  private static final class ModelLease {
    final long ttlMillis;
    long expireAtMillis;
    final TreeSet<String> keys = new TreeSet<>();

    ModelLease(long ttlMillis, long expireAtMillis) {
      this.ttlMillis = ttlMillis;
      this.expireAtMillis = expireAtMillis;
    }
  }

  private final PlantedBug bug;
  private final int maxLeases;
  private final Map<Long, ModelLease> leases = new HashMap<>();
  private long largestIdEver;

  LeaseTableModel(PlantedBug bug, int maxLeases) {
    this.bug = bug;
    this.maxLeases = maxLeases;
  }

  String run(Step step, long nowMillis) {
    if (step instanceof Grant g) {
      return grant(g.id(), g.ttlMillis(), nowMillis);
    } else if (step instanceof KeepAlive k) {
      List<Lease> renewed = new ArrayList<>();
      List<Long> notFound = new ArrayList<>();
      for (long id : new TreeSet<>(k.ids())) {
        ModelLease lease = leases.get(id);
        if (lease == null) {
          notFound.add(id);
        } else {
          lease.expireAtMillis = bug == PlantedBug.KEEP_ALIVE_SHORTENS
              ? nowMillis + lease.ttlMillis
              : Math.max(lease.expireAtMillis, nowMillis + lease.ttlMillis);
          renewed.add(view(id));
        }
      }
      return "renewed " + LeaseTablePrograms.showLeases(renewed) + " not found " + notFound;
    } else if (step instanceof Revoke r) {
      return leases.containsKey(r.id()) ? revoke(r.id()) : "not found " + r.id();
    } else if (step instanceof LeaderExpires e) {
      return revokeExpired(expired(nowMillis, e.max()), nowMillis);
    } else if (step instanceof RevokeExpired r) {
      return revokeExpired(r.ids(), nowMillis);
    } else if (step instanceof Attach a) {
      ModelLease lease = leases.get(a.id());
      if (lease == null) {
        return "not found " + a.id();
      }
      Long previous = leaseOf(a.keyHex());
      if (previous != null) {
        leases.get(previous).keys.remove(a.keyHex());
      }
      lease.keys.add(a.keyHex());
      return "attached, previous " + (previous == null || previous == a.id()
          ? "OptionalLong.empty" : "OptionalLong[" + previous + "]");
    } else if (step instanceof Detach d) {
      Long owner = leaseOf(d.keyHex());
      boolean detached = owner != null && owner == d.id();
      if (detached) {
        leases.get(owner).keys.remove(d.keyHex());
      }
      return "detached " + detached;
    } else if (step instanceof Expired e) {
      return "expired " + expired(nowMillis, e.max());
    } else if (step instanceof TimeToLive t) {
      ModelLease lease = leases.get(t.id());
      return lease == null ? "no lease " + t.id()
          : "ttl " + t.id() + " remaining " + Math.max(0, lease.expireAtMillis - nowMillis)
              + " of " + lease.ttlMillis + " keys " + showKeys(lease.keys);
    } else if (step instanceof LeaseOf l) {
      Long owner = leaseOf(l.keyHex());
      return "lease " + (owner == null ? "OptionalLong.empty" : "OptionalLong[" + owner + "]");
    } else if (step instanceof ListAll) {
      return "leases " + LeaseTablePrograms.showLeases(
          leases.keySet().stream().sorted().map(this::view).toList());
    } else if (step instanceof Clock) {
      return "";
    }
    throw new IllegalArgumentException("unknown step " + step);
  }

  /** Everything the model holds, written as {@link LeaseTablePrograms#contents} writes a table. */
  String contents() {
    StringBuilder out = new StringBuilder("next id " + (largestIdEver + 1));
    leases.keySet().stream().sorted().forEach(id -> out.append("\n  ")
        .append(LeaseTablePrograms.show(view(id))).append(' ')
        .append(showKeys(leases.get(id).keys)));
    return out.toString();
  }

  private String grant(long id, long ttlMillis, long nowMillis) {
    if (id < 0 || id > LeaseTable.MAX_CLIENT_ID) {
      return "refused " + LeaseRefusal.INVALID_ID;
    }
    if (ttlMillis < 5_000 || ttlMillis > 100L * 365 * 24 * 3600 * 1000) {
      return "refused " + LeaseRefusal.TTL_OUT_OF_RANGE;
    }
    if (leases.containsKey(id)) {
      return "refused " + LeaseRefusal.LEASE_EXISTS;
    }
    if (leases.size() >= maxLeases) {
      return "refused " + LeaseRefusal.TOO_MANY_LEASES;
    }
    long granted = id == 0 ? largestIdEver + 1 : id;
    largestIdEver = Math.max(largestIdEver, granted);
    leases.put(granted, new ModelLease(ttlMillis, nowMillis + ttlMillis));
    return "granted " + LeaseTablePrograms.show(view(granted));
  }

  private List<Long> expired(long nowMillis, int max) {
    long dueBy = bug == PlantedBug.EXPIRED_TOO_EARLY ? nowMillis + 1000 : nowMillis;
    return leases.keySet().stream()
        .filter(id -> leases.get(id).expireAtMillis <= dueBy)
        .sorted(Comparator.<Long>comparingLong(id -> leases.get(id).expireAtMillis)
            .thenComparingLong(id -> id))
        .limit(max)
        .toList();
  }

  private String revokeExpired(List<Long> ids, long nowMillis) {
    StringJoiner out = new StringJoiner(", ", "[", "]");
    for (long id : new TreeSet<>(ids)) {
      ModelLease lease = leases.get(id);
      if (lease != null && lease.expireAtMillis <= nowMillis) {
        out.add(revoke(id));
      }
    }
    return out.toString();
  }

  private String revoke(long id) {
    Lease before = view(id);
    ModelLease lease = leases.remove(id);
    return "revoked " + LeaseTablePrograms.show(before) + " " + showKeys(lease.keys);
  }

  /** Scans every lease for the key: slow, and plainly one answer or none. */
  private Long leaseOf(String keyHex) {
    Long owner = null;
    for (Map.Entry<Long, ModelLease> e : leases.entrySet()) {
      if (e.getValue().keys.contains(keyHex)) {
        if (owner != null) {
          throw new IllegalStateException("model holds key " + keyHex + " in two leases");
        }
        owner = e.getKey();
      }
    }
    return owner;
  }

  private Lease view(long id) {
    ModelLease lease = leases.get(id);
    return new Lease(id, lease.ttlMillis, lease.expireAtMillis, lease.keys.size());
  }

  private static String showKeys(SortedSet<String> keys) {
    return LeaseTablePrograms.showKeys(keys.stream().map(HexFormat.of()::parseHex).toList());
  }
}
