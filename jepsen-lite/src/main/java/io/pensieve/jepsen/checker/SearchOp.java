package io.pensieve.jepsen.checker;

/**
 * An operation as the register search sees it: values interned by {@link Register}, outcome
 * reduced to whether the operation must be linearized ({@code optional} false: it completed ok,
 * or it is a failed compare) or may be, at any time after its call, or not at all (an info
 * write or cas).
 *
 * @param ret when it returned; {@link Long#MAX_VALUE} for an optional operation
 */
record SearchOp(Kind kind, int value, int expected, boolean optional, long call, long ret,
                Operation source) {

  enum Kind { READ, WRITE, CAS, CAS_FAILED }

  /** Reads and failed compares only look at the register. */
  boolean observer() {
    return kind == Kind.READ || kind == Kind.CAS_FAILED;
  }

  /** This writer, no longer bound to take effect or to return when it did. */
  SearchOp relaxed() {
    if (observer()) {
      throw new IllegalStateException("an observer is dropped, not relaxed: " + this);
    }
    return new SearchOp(kind, value, expected, true, call, Long.MAX_VALUE, source);
  }
}
