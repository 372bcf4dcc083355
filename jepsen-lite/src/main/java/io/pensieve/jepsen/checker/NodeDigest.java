package io.pensieve.jepsen.checker;

/** A node's state after the run: a digest of its key-value map and the log index it applied. */
public record NodeDigest(String digest, long appliedIndex) {}
