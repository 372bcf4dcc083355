package io.pensieve.jepsen.checker;

/** The linearizability checker's answer for one key. */
public enum Verdict {
  LINEARIZABLE,
  NOT_LINEARIZABLE,
  /** The search ran out of its time or memory budget: no answer, rather than a wrong one. */
  UNKNOWN
}
