package io.pensieve.cli.bench;

import java.util.Locale;

/** The requests the bench sends; each has its own latency histogram and error counts. */
public enum Op {
  GET,
  PUT;

  /** {@code get}, {@code put}: how tables and JSON name it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
