package io.pensieve.store;

import java.util.Objects;

/**
 * Everything replicated about a map apart from its entries: what a snapshot header carries.
 *
 * @param configured whether a Configure command was ever applied
 * @param revision incremented by every write and delete; versions are drawn from it
 * @param clockMillis the latest leader time stamp applied; apply time never runs backwards
 * @param evictions entries evicted to make room, ever
 * @param expirations entries removed because their TTL ran out, ever
 */
public record MapState(
    Settings settings,
    boolean configured,
    long revision,
    long clockMillis,
    long evictions,
    long expirations) {

  public MapState {
    Objects.requireNonNull(settings, "settings");
    if (revision < 0 || evictions < 0 || expirations < 0) {
      throw new IllegalArgumentException("negative revision or counter: revision=" + revision
          + ", evictions=" + evictions + ", expirations=" + expirations);
    }
  }

  public static MapState initial(Settings settings) {
    return new MapState(settings, false, 0, 0, 0, 0);
  }
}
