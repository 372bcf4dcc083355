package io.pensieve.jepsen.nemesis;

import java.util.Random;

/** One kind of fault: injected, left in place a while, then healed. */
public interface Nemesis {
  /** The name {@code --nemesis} takes. */
  String name();

  /** Injects the fault, choosing its target with {@code random}; says what it did. */
  String inject(Random random) throws Exception;

  /** Undoes the fault (restarts, resumes, reconnects); says what it did. */
  String heal() throws Exception;
}
