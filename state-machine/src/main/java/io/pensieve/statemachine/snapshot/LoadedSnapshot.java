package io.pensieve.statemachine.snapshot;

import io.pensieve.store.LruTtlMap;

/** A map read back from a snapshot file, with the log position it reflects. */
public record LoadedSnapshot(long term, long index, LruTtlMap map) {}
