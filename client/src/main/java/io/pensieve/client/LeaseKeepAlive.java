package io.pensieve.client;

import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * Keeps one lease alive until closed: renews it at once, then every third of its TTL, so that
 * two renewals may fail (a leader election, a node restarting) before the lease runs out. The
 * lease is lost when a renewal answers NOT_FOUND, or a TTL of 0 (it was revoked, or expired):
 * then renewals stop and {@link #lost} says why.
 *
 * <p>Made by {@link PensieveClient#keepAlive}. Every lease a client keeps alive is renewed over
 * the same single {@code Lease.KeepAlive} stream, on one thread of the client's: a client
 * keeping many leases alive costs the cluster one stream, not one per lease. When that stream
 * fails, it is opened again on the next endpoint, after a pause that grows, up to
 * {@link #RETRY_PAUSE}, while every endpoint fails; the renewals it left unanswered are sent
 * again there.
 */
public final class LeaseKeepAlive implements AutoCloseable {
  /**
   * The longest pause before the keep-alive stream is opened again, after a failure on every
   * endpoint: short beside the shortest TTL's third (5 s / 3), so that a renewal still lands.
   */
  public static final Duration RETRY_PAUSE = Duration.ofMillis(500);

  private final long id;
  private final KeepAliveStreams owner;
  private volatile LeaseKeepAliveResponse last;
  private volatile PensieveException lost;
  private volatile boolean closed;
  /** The next renewal's timer; on the owner's thread only. */
  private ScheduledFuture<?> next;

  LeaseKeepAlive(long id, KeepAliveStreams owner) {
    this.id = id;
    this.owner = owner;
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
    if (!closed) {
      closed = true;
      owner.remove(this);
    }
  }

  /** Whether renewals should go on: neither closed nor lost. */
  boolean active() {
    return !closed && lost == null;
  }

  void renewed(LeaseKeepAliveResponse response) {
    last = response;
  }

  void lose(PensieveException why) {
    lost = why;
  }

  void nextRenewal(ScheduledFuture<?> timer) {
    cancelNextRenewal();
    next = timer;
  }

  void cancelNextRenewal() {
    if (next != null) {
      next.cancel(false);
      next = null;
    }
  }
}
