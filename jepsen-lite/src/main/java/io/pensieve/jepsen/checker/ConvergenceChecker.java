package io.pensieve.jepsen.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether the nodes ended in the same state: the same digest at the same applied index. The
 * state most nodes share is the reference; the others are reported as differing.
 */
public final class ConvergenceChecker {
  private ConvergenceChecker() {}

  public static ConvergenceResult check(Map<String, NodeDigest> digests) {
    Map<String, NodeDigest> nodes = new TreeMap<>(digests);
    Map<NodeDigest, List<String>> groups = new LinkedHashMap<>();
    nodes.forEach((node, digest) ->
        groups.computeIfAbsent(digest, d -> new ArrayList<>()).add(node));
    if (groups.size() <= 1) {
      return new ConvergenceResult(true, nodes, List.of(), null);
    }
    // the largest group; on a tie, the one with the highest applied index
    NodeDigest reference = groups.entrySet().stream()
        .max(Comparator.<Map.Entry<NodeDigest, List<String>>>comparingInt(e -> e.getValue().size())
            .thenComparingLong(e -> e.getKey().appliedIndex()))
        .orElseThrow().getKey();
    List<String> differing = new ArrayList<>();
    List<String> details = new ArrayList<>();
    nodes.forEach((node, digest) -> {
      if (!digest.equals(reference)) {
        differing.add(node);
        details.add(node + " has " + digest.digest() + " at index " + digest.appliedIndex());
      }
    });
    String explanation = String.join(", ", details) + "; " + groups.get(reference).size()
        + " node(s) have " + reference.digest() + " at index " + reference.appliedIndex();
    return new ConvergenceResult(false, nodes, differing, explanation);
  }
}
