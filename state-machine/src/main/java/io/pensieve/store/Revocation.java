package io.pensieve.store;

import java.util.List;

/**
 * What revoking leases did: the leases gone and their keys deleted in the same command.
 *
 * @param leases the revoked leases as they were, by id
 * @param revision the one revision every deleted key was deleted at; when none was, the
 *     store's revision, unchanged
 * @param deleted how many live keys were deleted
 */
public record Revocation(List<Lease> leases, long revision, int deleted) {
  public Revocation {
    leases = List.copyOf(leases);
  }
}
