package io.pensieve.cli.bench;

import java.util.ArrayDeque;

/**
 * Runs the sends of one thread one after the other instead of inside each other. A request can
 * fail inside the call that sends it (a closed channel, a refused connection), and its
 * completion sends the next request: without this, a client that fails at once would recurse
 * until the stack overflows.
 */
final class Trampoline {
  private static final ThreadLocal<ArrayDeque<Runnable>> PENDING = new ThreadLocal<>();

  private Trampoline() {}

  /** Runs {@code task} now, or after the task this thread is running, if any. */
  static void run(Runnable task) {
    ArrayDeque<Runnable> pending = PENDING.get();
    if (pending != null) {
      pending.add(task);
      return;
    }
    pending = new ArrayDeque<>();
    PENDING.set(pending);
    try {
      for (Runnable next = task; next != null; next = pending.poll()) {
        next.run();
      }
    } finally {
      PENDING.remove();
    }
  }
}
