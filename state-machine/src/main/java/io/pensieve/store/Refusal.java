package io.pensieve.store;

/** Why a command changed nothing. */
public enum Refusal {
  INVALID_ARGUMENT,
  KEY_TOO_LARGE,
  VALUE_TOO_LARGE,
  /** The write does not fit and the eviction policy forbids making room. */
  NO_SPACE,
  /** A put named a lease that does not exist (never granted, or revoked). */
  LEASE_NOT_FOUND
}
