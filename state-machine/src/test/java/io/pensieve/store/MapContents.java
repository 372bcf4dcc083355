package io.pensieve.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Everything replicated about a map, comparable with equals: entries in LRU order and state. */
public record MapContents(List<Entry> entries, MapState state, long bytes) {

  public static MapContents of(LruTtlMap map) {
    List<Entry> entries = new ArrayList<>();
    try {
      map.forEachInLruOrder(e -> entries.add(new Entry(
          Arrays.copyOfRange(e.buffer(), e.keyOffset(), e.keyOffset() + e.keyLength()),
          Arrays.copyOfRange(e.buffer(), e.valueOffset(), e.valueOffset() + e.valueLength()),
          e.version(), e.createRevision(), e.expireAtMillis())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MapContents(entries, map.state(), map.bytes());
  }
}
