package io.pensieve.jepsen.workload;

import java.util.Random;

/**
 * What the in-memory clients share: the node they stand for, their seeded dice, and the rate
 * at which they fail a call as a network does. They hold nothing to close.
 */
abstract class InMemoryClient {
  protected final Random random;
  protected final double faultRate;
  private final String node;

  InMemoryClient(String node, long seed, double faultRate) {
    this.node = node;
    this.random = new Random(seed);
    this.faultRate = faultRate;
  }

  /** Draws whether this call meets a fault. */
  protected boolean faulty() {
    return random.nextDouble() < faultRate;
  }

  public String node() {
    return node;
  }

  public String api() {
    return "memory";
  }

  public void close() {
    // nothing held
  }
}
