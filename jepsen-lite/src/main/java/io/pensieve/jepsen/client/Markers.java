package io.pensieve.jepsen.client;

import java.util.List;

/**
 * The markers under {@link BankKeys#MARKERS}: the ids of the transfers that applied.
 *
 * @param transferIds in key order
 */
public record Markers(List<String> transferIds) {
  public Markers {
    transferIds = List.copyOf(transferIds);
  }
}
