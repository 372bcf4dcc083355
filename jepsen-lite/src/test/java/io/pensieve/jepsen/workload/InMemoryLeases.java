package io.pensieve.jepsen.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Leases and keys in memory, obviously correct unless a {@link Bug} is planted: one lock,
 * time from {@code System.nanoTime} (the history's clock), and every call first deletes the
 * keys of every lease whose expiry has passed, so nothing is ever seen past its expiry and
 * nothing outlives it. A lease lives {@code ttl} from its grant or last renewal, never less
 * than it had.
 */
final class InMemoryLeases {
  /** One bug each, for the checker to catch. */
  enum Bug {
    NONE,
    /** A lease expires a fifth of its TTL after its grant or renewal. */
    EARLY_EXPIRY,
    /** Revoking a lease deletes all its keys but the last. */
    PARTIAL_REVOKE,
    /** A delete-range is acknowledged and deletes nothing. */
    LOST_DELETE_RANGE,
    /** No lease ever expires. */
    NEVER_EXPIRES
  }

  private record Lease(long ttlNanos, long expireAt) {}

  private final Bug bug;
  private final Map<Long, Lease> leases = new HashMap<>();
  /** Key to the lease it is attached to. */
  private final TreeMap<String, Long> keys = new TreeMap<>();
  private long nextId = 1;
  private int granted;

  InMemoryLeases(Bug bug) {
    this.bug = bug;
  }

  synchronized int granted() {
    return granted;
  }

  synchronized long grant(Duration ttl) {
    expire();
    long id = nextId++;
    leases.put(id, new Lease(ttl.toNanos(), expiry(ttl.toNanos())));
    granted++;
    return id;
  }

  /** Empty when the lease does not exist (nothing applied). */
  synchronized Optional<String> put(String key, long lease) {
    expire();
    if (!leases.containsKey(lease)) {
      return Optional.of("lease " + lease + " not found");
    }
    keys.put(key, lease);
    return Optional.empty();
  }

  synchronized Optional<String> keepAlive(long id) {
    expire();
    Lease lease = leases.get(id);
    if (lease == null) {
      return Optional.of("lease " + id + " not found");
    }
    leases.put(id, new Lease(lease.ttlNanos(),
        Math.max(lease.expireAt(), expiry(lease.ttlNanos()))));
    return Optional.empty();
  }

  synchronized List<String> read(String prefix) {
    expire();
    return List.copyOf(keys.subMap(prefix, prefix + Character.MAX_VALUE).keySet());
  }

  synchronized Optional<String> revoke(long id) {
    expire();
    if (leases.remove(id) == null) {
      return Optional.of("lease " + id + " not found");
    }
    List<String> attached = new ArrayList<>();
    keys.forEach((key, lease) -> {
      if (lease == id) {
        attached.add(key);
      }
    });
    if (bug == Bug.PARTIAL_REVOKE && !attached.isEmpty()) {
      attached.remove(attached.size() - 1);
    }
    attached.forEach(keys::remove);
    return Optional.empty();
  }

  synchronized void deleteRange(String prefix) {
    expire();
    if (bug != Bug.LOST_DELETE_RANGE) {
      keys.subMap(prefix, prefix + Character.MAX_VALUE).clear();
    }
  }

  private long expiry(long ttlNanos) {
    return System.nanoTime() + (bug == Bug.EARLY_EXPIRY ? ttlNanos / 5 : ttlNanos);
  }

  private void expire() {
    if (bug == Bug.NEVER_EXPIRES) {
      return;
    }
    long now = System.nanoTime();
    leases.entrySet().removeIf(lease -> {
      boolean expired = lease.getValue().expireAt() - now <= 0;
      if (expired) {
        keys.values().removeIf(attached -> attached.equals(lease.getKey()));
      }
      return expired;
    });
  }
}
