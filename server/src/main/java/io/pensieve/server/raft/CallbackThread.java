package io.pensieve.server.raft;

import io.pensieve.server.DaemonThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A thread of the node's own that delivers Ratis' replies. Ratis completes some futures while
 * holding its locks (a leader's ReadIndex under its read-index lock, a leader's write on its
 * apply thread); a caller that sends its next request from the completion would enter the Ratis
 * server again from there, which deadlocked leaders. Started on demand and ended when idle, so
 * a closed node leaves none behind.
 */
final class CallbackThread {
  private static final long IDLE_SECONDS = 10;

  private CallbackThread() {}

  static Executor named(String name) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), DaemonThreads.named(name));
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
