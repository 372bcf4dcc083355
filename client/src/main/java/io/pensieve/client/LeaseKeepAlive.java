package io.pensieve.client;

import io.grpc.Status;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Keeps one lease alive until closed: renews it at once, then every third of its TTL, so that
 * two renewals may fail (a leader election, a node restarting) before the lease runs out. A
 * renewal that fails otherwise is tried again after {@link #RETRY_PAUSE}. The lease is lost
 * when a renewal answers NOT_FOUND (it was revoked, or expired): then renewals stop and
 * {@link #lost} says why.
 *
 * <p>Made by {@link PensieveClient#keepAlive}; runs on a daemon thread of its own.
 */
public final class LeaseKeepAlive implements AutoCloseable {
  /** How soon a renewal that failed, lease not lost, is tried again. */
  public static final Duration RETRY_PAUSE = Duration.ofMillis(500);

  private final long id;
  private final LongFunction<LeaseKeepAliveResponse> renew;
  private final ScheduledExecutorService timer;
  private volatile LeaseKeepAliveResponse last;
  private volatile PensieveException lost;

  LeaseKeepAlive(long id, LongFunction<LeaseKeepAliveResponse> renew) {
    this.id = id;
    this.renew = renew;
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "pensieve-lease-" + id + "-keepalive");
      thread.setDaemon(true);
      return thread;
    });
    timer.execute(this::renewNow);
  }

  private void renewNow() {
    long nextMillis;
    try {
      LeaseKeepAliveResponse renewed = renew.apply(id);
      last = renewed;
      nextMillis = Math.max(1, renewed.getTtlSeconds() * 1000 / 3);
    } catch (PensieveException e) {
      if (e.status() == Status.Code.NOT_FOUND) {
        lost = e;
        timer.shutdown();
        return;
      }
      nextMillis = RETRY_PAUSE.toMillis();
    }
    try {
      // the timer runs the task; nothing reads the handle
      var unused = timer.schedule(this::renewNow, nextMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // closed meanwhile: renewals stop, as asked
    }
  }

  public long id() {
    return id;
  }

  /** The last renewal that succeeded, if any did. */
  public Optional<LeaseKeepAliveResponse> lastRenewal() {
    return Optional.ofNullable(last);
  }

  /** Why the lease is lost (revoked or expired), once a renewal found it gone. */
  public Optional<PensieveException> lost() {
    return Optional.ofNullable(lost);
  }

  /** Stops renewing; the lease then runs out after its TTL unless revoked first. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
