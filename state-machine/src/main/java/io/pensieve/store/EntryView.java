package io.pensieve.store;

/**
 * A read-only window onto one stored entry, handed to an {@link EntryVisitor}. The key and value
 * are ranges of {@link #buffer()}; the view is reused for the next entry, so copy what you keep
 * and never write to the buffer.
 */
public interface EntryView {
  byte[] buffer();

  int keyOffset();

  int keyLength();

  int valueOffset();

  int valueLength();

  long version();

  long createRevision();

  /** Epoch milliseconds by the leaders' clocks; 0 = never expires. */
  long expireAtMillis();
}
