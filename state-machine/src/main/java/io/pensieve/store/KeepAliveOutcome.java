package io.pensieve.store;

import java.util.List;

/**
 * The result of one coalesced keep-alive command.
 *
 * @param renewed the leases kept alive, as they are now, by id
 * @param notFound the ids that name no lease (never granted or revoked), ascending; the caller
 *     answers each of their keep-alives "not found"
 */
public record KeepAliveOutcome(List<Lease> renewed, List<Long> notFound) {
  public KeepAliveOutcome {
    renewed = List.copyOf(renewed);
    notFound = List.copyOf(notFound);
  }
}
