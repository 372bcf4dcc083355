package io.pensieve.client;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Renews every lease one client keeps alive over a single {@code Lease.KeepAlive} stream, to
 * one endpoint at a time. The node answers a stream's renewals in order, so the renewals in
 * flight are a queue: an answer is for its head, and when the node ends the stream with an
 * error, the error is the head's. A NOT_FOUND there means the head's lease is gone (it is
 * reported lost, once, and dropped), and the stream is opened again at once on the same node;
 * any other failure opens it again on the next endpoint, after a pause while every endpoint
 * fails. Either way, the renewals left unanswered are sent again on the new stream.
 *
 * <p>All its state is kept by one daemon thread: the gRPC callbacks hand their event over to
 * it, so nothing here needs a lock.
 */
final class KeepAliveStreams implements AutoCloseable {
  /**
   * Renewals in flight on the stream, at most; the rest wait their turn. The node ends a stream
   * on which more than 1,000 wait, so a client with many leases due at once must pace them.
   */
  static final int MAX_IN_FLIGHT = 500;

  private final List<? extends Channel> channels;
  private final List<String> endpoints;
  private final RetryPolicy reconnects;
  private final long answerTimeoutNanos;
  private final ScheduledThreadPoolExecutor thread;

  // ----- the thread's own state -----
  /** Every lease kept alive, by handle: two handles of one lease both renew it. */
  private final Set<LeaseKeepAlive> kept = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Renewals due and not yet sent. */
  private final ArrayDeque<LeaseKeepAlive> due = new ArrayDeque<>();
  /** The stream open now, if any. */
  private OpenStream stream;
  /** The endpoint of the next stream. */
  private int index;
  /** Streams failed since the last answer: how long the next one waits. */
  private int failures;
  private boolean reconnectWaiting;

  /**
   * @param start the endpoint to open the first stream at
   * @param answerTimeout how long a renewal may go unanswered before its stream is given up
   */
  KeepAliveStreams(List<? extends Channel> channels, List<String> endpoints, IntSupplier start,
      Duration pause, Duration answerTimeout) {
    this.channels = channels;
    this.endpoints = endpoints;
    Duration maxPause = pause.compareTo(LeaseKeepAlive.RETRY_PAUSE) > 0 ? pause
        : LeaseKeepAlive.RETRY_PAUSE;
    this.reconnects = new RetryPolicy(1, pause, maxPause);
    this.answerTimeoutNanos = answerTimeout.toNanos();
    this.thread = new ScheduledThreadPoolExecutor(1, task -> {
      Thread daemon = new Thread(task, "pensieve-lease-keepalive");
      daemon.setDaemon(true);
      return daemon;
    });
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    thread.setRemoveOnCancelPolicy(true);
    onThread(() -> index = start.getAsInt());
  }

  /** Starts keeping lease {@code id} alive: its first renewal is sent at once. */
  LeaseKeepAlive add(long id) {
    LeaseKeepAlive lease = new LeaseKeepAlive(id, this);
    onThread(() -> {
      kept.add(lease);
      due.add(lease);
      pump();
    });
    return lease;
  }

  void remove(LeaseKeepAlive lease) {
    onThread(() -> {
      kept.remove(lease);
      lease.cancelNextRenewal();
      due.remove(lease);
      closeIfIdle();
    });
  }

  /** Ends the stream; renewals stop. */
  @Override
  public void close() {
    onThread(() -> {
      if (stream != null) {
        stream.requests.cancel("client closed", null);
        stream = null;
      }
    });
    thread.shutdown();
  }

  private void onThread(Runnable event) {
    try {
      thread.execute(event);
    } catch (RejectedExecutionException closed) {
      // the client is closed: events that arrive after it are dropped
    }
  }

  /** Sends the renewals due, as far as the bound on those in flight allows. */
  private void pump() {
    while (!due.isEmpty() && !due.peek().active()) {
      due.poll();
    }
    if (due.isEmpty() || reconnectWaiting) {
      return;
    }
    if (stream == null) {
      stream = new OpenStream(index);
    }
    while (stream.inFlight.size() < MAX_IN_FLIGHT && !due.isEmpty()) {
      LeaseKeepAlive lease = due.poll();
      if (lease.active()) {
        stream.send(lease);
      }
    }
  }

  private void answered(OpenStream from, LeaseKeepAliveResponse response) {
    if (from != stream) {
      return; // a stream given up: its renewals were sent again
    }
    LeaseKeepAlive lease = from.inFlight.poll();
    if (lease == null) {
      return;
    }
    from.answered++;
    failures = 0;
    if (lease.active()) {
      if (response.getTtlSeconds() <= 0) {
        lose(lease, PensieveException.of(Status.NOT_FOUND.withDescription("lease "
            + lease.id() + " not found: renewed with a TTL of 0").asRuntimeException(), false,
            endpoints.get(from.index)));
      } else {
        lease.renewed(response);
        lease.nextRenewal(thread.schedule(() -> {
          if (lease.active()) {
            due.add(lease);
            pump();
          }
        }, Math.max(1, response.getTtlSeconds() * 1000 / 3), TimeUnit.MILLISECONDS));
      }
    }
    pump();
    closeIfIdle();
  }

  private void failed(OpenStream from, Throwable error) {
    if (from != stream) {
      return;
    }
    stream = null;
    PensieveException failure = PensieveException.of(error, false, endpoints.get(from.index));
    if (failure.status() == Status.Code.NOT_FOUND && !from.inFlight.isEmpty()) {
      lose(from.inFlight.poll(), failure);
      sendAgain(from);
      pump();
      return;
    }
    sendAgain(from);
    failures++;
    index = RetryPolicy.next(from.index, channels.size());
    long pauseNanos = reconnects.pauseNanos(failures, channels.size());
    if (pauseNanos == 0) {
      pump();
    } else {
      reconnectWaiting = true;
      var unused = thread.schedule(() -> {
        reconnectWaiting = false;
        pump();
      }, pauseNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The node ended the stream without an error: what it left unanswered is sent again. */
  private void completed(OpenStream from) {
    if (from != stream) {
      return;
    }
    stream = null;
    sendAgain(from);
    pump();
  }

  /** Puts a lost stream's unanswered renewals first among those due, in their order. */
  private void sendAgain(OpenStream from) {
    for (Iterator<LeaseKeepAlive> last = from.inFlight.descendingIterator(); last.hasNext(); ) {
      due.addFirst(last.next());
    }
    from.inFlight.clear();
  }

  private void lose(LeaseKeepAlive lease, PensieveException why) {
    if (!lease.active()) {
      return;
    }
    lease.lose(why);
    lease.cancelNextRenewal();
    kept.remove(lease);
  }

  /** With no lease left to keep, the stream is ended, so that the node lets it go. */
  private void closeIfIdle() {
    if (kept.isEmpty() && stream != null && stream.inFlight.isEmpty()) {
      stream.requests.onCompleted();
      stream = null;
    }
  }

  /** One KeepAlive stream to one endpoint, with the renewals sent on it and not answered. */
  private final class OpenStream implements StreamObserver<LeaseKeepAliveResponse> {
    final int index;
    final ArrayDeque<LeaseKeepAlive> inFlight = new ArrayDeque<>();
    final ClientCallStreamObserver<LeaseKeepAliveRequest> requests;
    long sent;
    long answered;

    @SuppressWarnings("unchecked") // the stub's request observer is always a call's own
    OpenStream(int index) {
      this.index = index;
      this.requests = (ClientCallStreamObserver<LeaseKeepAliveRequest>)
          LeaseGrpc.newStub(channels.get(index)).keepAlive(this);
    }

    void send(LeaseKeepAlive lease) {
      inFlight.add(lease);
      long number = sent++;
      requests.onNext(LeaseKeepAliveRequest.newBuilder().setId(lease.id()).build());
      // a node that stopped answering without closing the connection is given up on
      var unused = thread.schedule(() -> {
        if (stream == this && answered <= number) {
          requests.cancel("no answer to a renewal in " + answerTimeoutNanos / 1_000_000
              + " ms", null);
        }
      }, answerTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      onThread(() -> answered(this, response));
    }

    @Override
    public void onError(Throwable error) {
      onThread(() -> failed(this, error));
    }

    @Override
    public void onCompleted() {
      onThread(() -> completed(this));
    }
  }
}
