package io.pensieve.jepsen.history;

/**
 * What every kind of history line has in common, and all that pairing an invoke with its
 * completion needs: its place in the history, whether it is an invoke, and its process.
 */
public interface PairedEvent {
  long index();

  /** Null only in a malformed history, which the pairing rejects. */
  EventType type();

  int process();
}
