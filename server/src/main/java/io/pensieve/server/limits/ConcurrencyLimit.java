package io.pensieve.server.limits;

import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.kv.KvException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The most requests a node works on at once, REST and gRPC together. Past it a request is
 * refused at once ({@link ErrorCode#ERROR_CODE_OVERLOADED}) rather than queued: a queue would
 * only turn overload into timeouts, and a refused client can go to another node or back off.
 */
public final class ConcurrencyLimit {
  private final int max;
  private final Semaphore permits;

  public ConcurrencyLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("the concurrency limit must be at least 1, got " + max);
    }
    this.max = max;
    this.permits = new Semaphore(max);
  }

  /**
   * A permit for one request, to be released when its answer is sent.
   *
   * @throws KvException OVERLOADED when {@link #max()} requests are in flight
   */
  public Permit acquire() {
    if (!permits.tryAcquire()) {
      throw new KvException(ErrorCode.ERROR_CODE_OVERLOADED, "this node is serving " + max
          + " requests, as many as it accepts at once; retry shortly or use another node");
    }
    return new Permit();
  }

  public int max() {
    return max;
  }

  public int inFlight() {
    return max - permits.availablePermits();
  }

  /** Held by one request; releasing it twice releases it once (answers can fail after sent). */
  public final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit() {}

    public void release() {
      if (released.compareAndSet(false, true)) {
        permits.release();
      }
    }
  }
}
