package io.pensieve.server;

import java.util.concurrent.ThreadFactory;

/** The node's own threads, named for thread dumps; daemons, since a node stops by closing. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
