package io.pensieve.statemachine.snapshot;

import io.pensieve.statemachine.MemberDirectory;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;

/** The replicated state read back from a snapshot file, with the log position it reflects. */
public record LoadedSnapshot(long term, long index, LeasedMap store, MemberDirectory members) {

  /** The store's map. */
  public LruTtlMap map() {
    return store.map();
  }
}
