package io.pensieve.store;

/** The result of a lease grant. */
public sealed interface GrantOutcome permits GrantOutcome.Granted, GrantOutcome.Refused {

  /** The lease now exists, as {@code lease} shows. */
  record Granted(Lease lease) implements GrantOutcome {}

  /** The grant changed nothing. */
  record Refused(LeaseRefusal reason, String message) implements GrantOutcome {}
}
