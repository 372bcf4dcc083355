package io.pensieve.store;

import java.util.Optional;

/** The result of a put, compare-and-set or delete. */
public sealed interface WriteOutcome permits WriteOutcome.Stored, WriteOutcome.Deleted,
    WriteOutcome.NotFound, WriteOutcome.CompareFailed, Refused {

  /**
   * The value was written.
   *
   * @param version the revision of this write, now the key's version
   * @param previous the entry it replaced, when asked for and there was one
   */
  record Stored(long version, long createRevision, Optional<Entry> previous)
      implements WriteOutcome {}

  /** The key was removed at {@code revision}. */
  record Deleted(long revision, Optional<Entry> previous) implements WriteOutcome {}

  /** There was no such key to delete. */
  record NotFound() implements WriteOutcome {}

  /** The expectation did not hold; {@code current} is the key's entry, if it exists. */
  record CompareFailed(Optional<Entry> current) implements WriteOutcome {}
}
