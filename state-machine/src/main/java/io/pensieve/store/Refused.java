package io.pensieve.store;

/** A command the map refused; it changed nothing but the clock and due expirations. */
public record Refused(Refusal reason, String message)
    implements WriteOutcome, ConfigureOutcome, DeleteRangeOutcome {}
