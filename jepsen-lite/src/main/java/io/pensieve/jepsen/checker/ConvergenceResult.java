package io.pensieve.jepsen.checker;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link ConvergenceChecker} found. No nodes at all counts as converged: there is nothing
 * that differs.
 *
 * @param differing the nodes outside the state most nodes share
 * @param explanation for people, when not converged; otherwise null
 */
public record ConvergenceResult(boolean converged, Map<String, NodeDigest> nodes,
                                List<String> differing, String explanation) {
  public ConvergenceResult {
    nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
    differing = List.copyOf(differing);
  }
}
