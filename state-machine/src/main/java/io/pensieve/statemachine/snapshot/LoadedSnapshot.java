package io.pensieve.statemachine.snapshot;

import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.store.LruTtlMap;

/** The replicated state read back from a snapshot file, with the log position it reflects. */
public record LoadedSnapshot(long term, long index, LruTtlMap map, MemberDirectory members) {}
