package io.pensieve.jepsen.checker;

import java.util.List;

/**
 * Why a key is not linearizable: a small window of its history that is not linearizable by
 * itself.
 *
 * @param stuck the operation whose return the search could not get past
 * @param window the window's operations, in invoke order
 * @param relaxed ids of window operations taken as info: writers cut by the window's edges,
 *     which may or may not have taken effect inside it
 * @param fromStart whether the window starts at the beginning of the history (the key absent);
 *     otherwise the window's initial value is unknown and its first observation fixes it
 * @param explanation one line for people
 */
public record Anomaly(String key, String explanation, Operation stuck, List<Operation> window,
                      List<Integer> relaxed, boolean fromStart) {
  public Anomaly {
    window = List.copyOf(window);
    relaxed = List.copyOf(relaxed);
  }
}
