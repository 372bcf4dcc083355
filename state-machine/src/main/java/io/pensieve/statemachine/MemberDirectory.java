package io.pensieve.statemachine;

import io.pensieve.internal.v1.MemberAddresses;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The client-facing addresses each member advertised, by member id: replicated state, so that
 * any node can name every member's REST and gRPC addresses, even those of members that are down.
 * Sorted by id, so snapshots and digests of equal directories are byte-identical.
 */
public final class MemberDirectory {
  /** Bounds a log entry's and a snapshot header's share of addresses. */
  public static final int MAX_ADDRESS_CHARS = 255;
  /** Ids and addresses of members ever added stay until replaced; this bounds them all. */
  public static final int MAX_MEMBERS = 1024;

  private final Map<String, MemberAddresses> byId = new TreeMap<>();

  public static MemberDirectory of(Collection<MemberAddresses> members) {
    MemberDirectory directory = new MemberDirectory();
    members.forEach(directory::advertise);
    return directory;
  }

  /** Records a member's addresses; false when they were already recorded as given. */
  public boolean advertise(MemberAddresses addresses) {
    MemberAddresses previous = byId.get(addresses.getMemberId());
    if (addresses.equals(previous)) {
      return false;
    }
    if (previous == null && byId.size() >= MAX_MEMBERS) {
      return false;
    }
    byId.put(addresses.getMemberId(), addresses);
    return true;
  }

  public Optional<MemberAddresses> get(String memberId) {
    return Optional.ofNullable(byId.get(memberId));
  }

  /** Every member's addresses, ordered by member id. */
  public Collection<MemberAddresses> all() {
    return byId.values();
  }

  /** An independent copy, for readers outside the state machine's lock. */
  public Map<String, MemberAddresses> copy() {
    return new TreeMap<>(byId);
  }
}
