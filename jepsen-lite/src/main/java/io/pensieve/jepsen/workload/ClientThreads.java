package io.pensieve.jepsen.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A workload's clients: one daemon thread per slot, all started together, each running until
 * {@link #stop} and then finishing the operation it has in flight.
 */
final class ClientThreads {
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /** Starts {@code clients} threads named {@code name-<slot>}, each running {@code client}. */
  void start(String name, int clients, IntConsumer client) {
    running = true;
    for (int slot = 0; slot < clients; slot++) {
      int which = slot;
      Thread thread = new Thread(() -> client.accept(which), name + "-" + which);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Whether clients should start another operation. */
  boolean running() {
    return running;
  }

  /**
   * Asks every client to stop and waits for each, at most {@code operationTimeout} twice over
   * and 5 s more: an operation in flight ends by its own deadline.
   */
  void stop(Duration operationTimeout) throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(operationTimeout.toMillis() * 2 + 5_000);
    }
  }
}
