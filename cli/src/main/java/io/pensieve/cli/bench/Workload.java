package io.pensieve.cli.bench;

import java.util.Locale;

/** What the bench asks for: only writes, only reads, or reads and writes mixed. */
public enum Workload {
  PUT,
  GET,
  MIXED;

  /** Whether it reads, so the key space should exist before it starts. */
  public boolean reads() {
    return this != PUT;
  }

  /** Whether it writes, so {@code --value-size} matters. */
  public boolean writes() {
    return this != GET;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
