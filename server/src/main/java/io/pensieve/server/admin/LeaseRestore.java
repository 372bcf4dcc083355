package io.pensieve.server.admin;

import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.statemachine.SettingsMapping;
import io.pensieve.store.Lease;
import io.pensieve.store.LeaseTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A snapshot file's leases, granted again in the target cluster under their own ids before any
 * entry is written, so that each leased key's put attaches the key to its lease again and the
 * key still dies with its owner.
 *
 * <p>A restored lease starts with its full granted TTL, counted from the end of the restore: the
 * restore keeps it alive while it writes ({@link LeaseKeeper}) and renews it once more when done.
 * The time the file says a lease had left is not kept: it was measured by the old cluster's
 * leaders when the snapshot was taken, and no owner could renew its lease in the target cluster
 * since, so counting that time would revoke the sessions of owners that are alive and renewing
 * (etcd likewise gives every lease its full TTL again when a leader takes over or a snapshot is
 * restored). An owner that is gone never renews, and its keys are deleted one TTL after the
 * restore.
 */
final class LeaseRestore {
  /** Grants or revocations in flight at once, as the restore's puts. */
  private static final int WINDOW = 4096;
  /** Ids named in a refusal's message at most; past it, how many more. */
  private static final int IDS_NAMED = 10;

  private final KvService kv;
  /** The file's leases, by id. */
  private final List<Lease> leases;

  LeaseRestore(KvService kv, LeaseTable fileLeases) {
    this.kv = kv;
    this.leases = fileLeases.list();
  }

  int size() {
    return leases.size();
  }

  /**
   * Refuses, before anything is written, a file whose leases cannot all be granted: an id past
   * those a lease may be granted under, an id the cluster holds already, or more leases than
   * the cluster's max_leases leaves room for.
   */
  void checkFits() {
    if (leases.isEmpty()) {
      return;
    }
    List<Long> tooLarge = leases.stream().map(Lease::id)
        .filter(id -> id > LeaseTable.MAX_CLIENT_ID).toList();
    if (!tooLarge.isEmpty()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "the snapshot's leases "
          + named(tooLarge) + " have ids above " + LeaseTable.MAX_CLIENT_ID
          + ", the largest a lease can be granted under; nothing was restored");
    }
    List<LeaseTimeToLiveResponse> held;
    try {
      held = kv.listLeases().join().getLeasesList();
    } catch (RuntimeException e) {
      throw KvException.from(e);
    }
    Set<Long> heldIds = held.stream().map(LeaseTimeToLiveResponse::getId)
        .collect(Collectors.toSet());
    List<Long> clashing = leases.stream().map(Lease::id).filter(heldIds::contains).toList();
    if (!clashing.isEmpty()) {
      throw new KvException(ErrorCode.ERROR_CODE_ALREADY_EXISTS, "the cluster already holds "
          + "leases " + named(clashing) + " of the snapshot's " + leases.size() + "; a restore"
          + " grants each lease under its own id, so revoke those or restore into another"
          + " cluster; nothing was restored");
    }
    int maxLeases = SettingsMapping.fromProto(kv.stats().getSettings()).maxLeases();
    if ((long) held.size() + leases.size() > maxLeases) {
      throw new KvException(ErrorCode.ERROR_CODE_NO_SPACE, "the cluster holds " + held.size()
          + " leases and the snapshot " + leases.size() + ": more together than the cluster's"
          + " max_leases " + maxLeases + "; raise it (pvctl config set max-leases=N) or revoke"
          + " leases; nothing was restored");
    }
  }

  /**
   * Grants every lease under its id with its granted TTL (whole seconds, rounded up), each kept
   * alive by {@code keeper} from its grant on. If one is refused (a client took its id, or the
   * last free leases, since {@link #checkFits}), revokes those granted, which hold no key yet,
   * and fails with that refusal.
   */
  void grantAll(LeaseKeeper keeper) {
    Deque<Pending> inFlight = new ArrayDeque<>();
    List<Long> granted = new ArrayList<>();
    Refusal[] refusal = new Refusal[1];
    for (Lease lease : leases) {
      if (refusal[0] != null) {
        break;
      }
      if (inFlight.size() == WINDOW) {
        settle(inFlight.poll(), granted, keeper, refusal);
      }
      inFlight.add(new Pending(lease.id(), kv.grantLease(LeaseGrantRequest.newBuilder()
          .setId(lease.id()).setTtlSeconds(ttlSeconds(lease)).build())));
    }
    while (!inFlight.isEmpty()) {
      settle(inFlight.poll(), granted, keeper, refusal);
    }
    if (refusal[0] != null) {
      throw undo(granted, refusal[0]);
    }
  }

  /** A restored lease's TTL: the one it was granted, which is whole seconds unless hand-made. */
  static long ttlSeconds(Lease lease) {
    return (lease.ttlMillis() + 999) / 1000;
  }

  private record Pending(long id, CompletableFuture<LeaseGrantResponse> grant) {}

  private record Refusal(long id, KvException cause) {}

  private static void settle(
      Pending pending, List<Long> granted, LeaseKeeper keeper, Refusal[] refusal) {
    try {
      pending.grant().join();
      granted.add(pending.id());
      keeper.add(pending.id());
    } catch (RuntimeException e) {
      if (refusal[0] == null) {
        refusal[0] = new Refusal(pending.id(), KvException.from(e));
      }
    }
  }

  /** Revokes the leases granted before a refusal; the failure to report either way. */
  private KvException undo(List<Long> granted, Refusal refusal) {
    String refused = "lease " + refusal.id() + " of the snapshot could not be granted: "
        + refusal.cause().getMessage();
    List<Long> remaining = new ArrayList<>();
    List<Revoking> inFlight = new ArrayList<>();
    List<Long> toRevoke = new ArrayList<>(granted);
    if (!refusal.cause().contract().nothingApplied()) {
      // the grant's outcome is unknown: the lease may exist, and is revoked as the others
      toRevoke.add(refusal.id());
    }
    for (long id : toRevoke) {
      inFlight.add(new Revoking(id,
          kv.revokeLease(LeaseRevokeRequest.newBuilder().setId(id).build())));
      if (inFlight.size() == WINDOW) {
        settle(inFlight, remaining);
      }
    }
    settle(inFlight, remaining);
    if (remaining.isEmpty()) {
      return new KvException(refusal.cause().code(), refused + "; the " + granted.size()
          + " leases granted before it were revoked again, and nothing else was written");
    }
    // some of the restore's writes stay: not a clean refusal
    return new KvException(ErrorCode.ERROR_CODE_INTERNAL, refused + "; revoking the "
        + granted.size() + " leases granted before it failed for " + named(remaining)
        + ", which stay in the cluster without keys (pvctl lease revoke ID); no entry and no"
        + " setting was written");
  }

  private record Revoking(long id, CompletableFuture<LeaseRevokeResponse> revoke) {}

  /** Waits for the revocations; those that failed, but for a lease already gone, remain. */
  private static void settle(List<Revoking> inFlight, List<Long> remaining) {
    for (Revoking revoking : inFlight) {
      try {
        revoking.revoke().join();
      } catch (RuntimeException e) {
        if (KvException.from(e).code() != ErrorCode.ERROR_CODE_NOT_FOUND) {
          remaining.add(revoking.id());
        }
      }
    }
    inFlight.clear();
  }

  private static String named(List<Long> ids) {
    String listed = ids.stream().limit(IDS_NAMED).map(String::valueOf)
        .collect(Collectors.joining(", "));
    return ids.size() > IDS_NAMED ? listed + " and " + (ids.size() - IDS_NAMED) + " more" : listed;
  }
}
