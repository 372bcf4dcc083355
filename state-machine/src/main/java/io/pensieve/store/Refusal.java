package io.pensieve.store;

/** Why a command changed nothing. */
public enum Refusal {
  INVALID_ARGUMENT,
  KEY_TOO_LARGE,
  VALUE_TOO_LARGE,
  /** The write does not fit and the eviction policy forbids making room. */
  NO_SPACE
}
