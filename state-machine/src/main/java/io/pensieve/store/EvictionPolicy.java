package io.pensieve.store;

/** What a write does when the map is full. */
public enum EvictionPolicy {
  /** Evict least recently used entries until the write fits. */
  LRU,
  /** Refuse a write that would grow the map past a limit. */
  NOEVICTION
}
