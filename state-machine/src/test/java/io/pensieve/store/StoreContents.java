package io.pensieve.store;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything replicated about a store, comparable with equals: the map's contents, every lease
 * with its keys, and the id the next grant without one takes.
 */
public record StoreContents(MapContents map, List<LeaseContents> leases, long nextLeaseId) {

  /** A lease as it is, and its keys in unsigned-byte order, in hex. */
  public record LeaseContents(Lease lease, List<String> keys) {
    static LeaseContents of(Lease lease, List<byte[]> keys) {
      return new LeaseContents(lease, keys.stream().map(HexFormat.of()::formatHex).toList());
    }
  }

  public static StoreContents of(LeasedMap store) {
    List<LeaseContents> leases = new ArrayList<>();
    for (Lease lease : store.leases().list()) {
      leases.add(LeaseContents.of(lease, store.leases().keys(lease.id())));
    }
    return new StoreContents(MapContents.of(store.map()), leases, store.leases().nextId());
  }
}
