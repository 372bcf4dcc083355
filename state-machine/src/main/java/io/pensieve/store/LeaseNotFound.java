package io.pensieve.store;

/** No lease has this id: it was never granted, or it was revoked. */
public record LeaseNotFound(long id) implements RevokeOutcome, AttachOutcome {}
