package io.pensieve.cli;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pvctl lease load}: what keeping many leases alive costs. Grants COUNT leases, then
 * renews each every third of its TTL, as a client library would, over one KeepAlive stream per
 * endpoint (the leases spread over the endpoints, so every node coalesces its share), paced
 * evenly, for the duration; then revokes them. It reports the renewals sent and answered, their
 * latency and any lost lease. The cluster's side (CPU, log entries) is measured from outside:
 * bench/leases.sh.
 */
@Command(name = "load",
    description = {"Grants COUNT leases and keeps them alive for a while, renewing each every",
        "third of its TTL over one KeepAlive stream per endpoint, then revokes them."},
    footerHeading = "%nExamples:%n",
    footer = {"  pvctl lease load --count 10000 --ttl 30 --duration 60"})
final class LeaseLoad implements Callable<Integer> {
  /**
   * Grants and revokes in flight at once: enough to fill the node's write batches, so that
   * 10,000 grants take seconds, not the TTL of the first ones, on a busy machine.
   */
  private static final int GRANT_THREADS = 128;
  /**
   * Renewals unanswered on one stream at most, as the Java client keeps them: a node ends a
   * stream on which more than 1,000 wait, so a sender without a bound measures its own overload.
   */
  private static final int MAX_PENDING = 500;

  @Spec
  private CommandSpec spec;

  @Option(names = "--count", defaultValue = "10000", paramLabel = "N",
      description = "Leases to keep alive. Default: ${DEFAULT-VALUE}")
  private int count;

  @Option(names = "--ttl", defaultValue = "30", paramLabel = "SECONDS",
      description = "Their TTL (at least 5). Default: ${DEFAULT-VALUE}")
  private long ttlSeconds;

  @Option(names = "--duration", defaultValue = "60", paramLabel = "SECONDS",
      description = "How long to keep them alive. Default: ${DEFAULT-VALUE}")
  private long durationSeconds;

  @Override
  public Integer call() throws Exception {
    if (count < 1 || ttlSeconds < 1 || durationSeconds < 1) {
      throw CliError.usage("--count, --ttl and --duration must be positive");
    }
    Session session = Pvctl.sessionOf(spec);
    PensieveClient client = session.cluster().client();
    List<String> endpoints = client.endpoints();
    long startNanos = System.nanoTime();
    List<Long> ids = grant(session);
    double grantSeconds = (System.nanoTime() - startNanos) / 1e9;
    // progress goes to standard error, so that standard output stays the one report
    System.err.printf("granted %d leases in %.1f s; renewing them for %d s%n", count,
        grantSeconds, durationSeconds);
    Histogram latency = new ConcurrentHistogram(3);
    AtomicLong answered = new AtomicLong();
    AtomicLong lost = new AtomicLong();
    ExecutorService streams = Executors.newFixedThreadPool(endpoints.size());
    List<Future<Long>> sent = new ArrayList<>();
    for (int e = 0; e < endpoints.size(); e++) {
      List<Long> share = new ArrayList<>();
      for (int i = e; i < ids.size(); i += endpoints.size()) {
        share.add(ids.get(i));
      }
      String endpoint = endpoints.get(e);
      sent.add(streams.submit(() -> renew(client, endpoint, share, latency, answered, lost)));
    }
    long renewals = 0;
    for (Future<Long> each : sent) {
      renewals += each.get();
    }
    streams.shutdown();
    System.err.printf("revoking %d leases%n", count);
    revoke(client, ids);
    session.output().emit(ProtoJson.object()
            .put("leases", count).put("ttl_seconds", ttlSeconds)
            .put("duration_seconds", durationSeconds).put("grant_seconds", grantSeconds)
            .put("renewals_sent", renewals).put("renewals_answered", answered.get())
            .put("renewals_per_second", answered.get() / (double) durationSeconds)
            .put("latency_p50_ms", latency.getValueAtPercentile(50) / 1e3)
            .put("latency_p99_ms", latency.getValueAtPercentile(99) / 1e3)
            .put("leases_lost", lost.get()),
        String.format("%d leases of %d s granted in %.1f s; kept alive %d s over %d endpoints:"
                + " %d renewals sent, %d answered (%.0f/s), latency p50 %.1f ms p99 %.1f ms;"
                + " %d renewals failed",
            count, ttlSeconds, grantSeconds, durationSeconds, endpoints.size(), renewals,
            answered.get(), answered.get() / (double) durationSeconds,
            latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
            lost.get()));
    return lost.get() == 0 ? ExitCode.OK : ExitCode.FAILED;
  }

  private List<Long> grant(Session session) throws Exception {
    LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTtlSeconds(ttlSeconds).build();
    ExecutorService pool = Executors.newFixedThreadPool(GRANT_THREADS);
    try {
      List<Future<Long>> granted = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        granted.add(pool.submit(() -> session.cluster().call(RequestKind.WRITE,
            stubs -> stubs.lease().grant(request)).getId()));
      }
      List<Long> ids = new ArrayList<>(count);
      for (Future<Long> id : granted) {
        ids.add(id.get());
      }
      return ids;
    } finally {
      pool.shutdown();
    }
  }

  /** Renews {@code share} over one stream to {@code endpoint}; returns the renewals sent. */
  private long renew(PensieveClient client, String endpoint, List<Long> share,
      Histogram latency, AtomicLong answered, AtomicLong lost) throws InterruptedException {
    if (share.isEmpty()) {
      return 0;
    }
    Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    CountDownLatch closed = new CountDownLatch(1);
    long sent = 0;
    try (PensieveClient member = client.member(endpoint)) {
      StreamObserver<LeaseKeepAliveRequest> requests = member.call(channel ->
          LeaseGrpc.newStub(channel).withDeadlineAfter(durationSeconds + ttlSeconds,
              TimeUnit.SECONDS).keepAlive(new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveResponse renewed) {
                  Long at = sentAt.remove(renewed.getId());
                  if (at != null) {
                    latency.recordValue((System.nanoTime() - at) / 1_000);
                  }
                  answered.incrementAndGet();
                }

                @Override
                public void onError(Throwable t) {
                  // the stream ends at its first failed renewal: every one pending is lost;
                  // progress and failures go to standard error, beside the other progress lines
                  System.err.printf("the renewals to %s failed, %d pending: %s%n", endpoint,
                      sentAt.size(), Status.fromThrowable(t));
                  lost.addAndGet(Math.max(1, sentAt.size()));
                  closed.countDown();
                }

                @Override
                public void onCompleted() {
                  closed.countDown();
                }
              }), true);
      // each lease once per third of the TTL, the share spread evenly over that period
      long periodNanos = TimeUnit.SECONDS.toNanos(ttlSeconds) / 3;
      long gapNanos = Math.max(1, periodNanos / share.size());
      long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
      long next = System.nanoTime();
      for (int i = 0; System.nanoTime() < endNanos && closed.getCount() > 0; i++) {
        long id = share.get(i % share.size());
        LockSupport.parkNanos(next - System.nanoTime());
        while (sentAt.size() >= MAX_PENDING && closed.getCount() > 0
            && System.nanoTime() < endNanos) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        sentAt.put(id, System.nanoTime());
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setId(id).build());
        sent++;
        next += gapNanos;
      }
      if (closed.getCount() > 0) {
        requests.onCompleted();
      }
      closed.await(Duration.ofSeconds(ttlSeconds).toMillis(), TimeUnit.MILLISECONDS);
    }
    return sent;
  }

  /** Revokes every lease; one already gone (it lapsed when its renewals failed) is not news. */
  private void revoke(PensieveClient client, List<Long> ids) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(GRANT_THREADS);
    try {
      List<Future<?>> revoked = new ArrayList<>(ids.size());
      for (long id : ids) {
        revoked.add(pool.submit(() -> {
          try {
            client.revokeLease(id);
          } catch (PensieveException e) {
            if (!e.code().equals("not_found")) {
              throw e;
            }
          }
        }));
      }
      for (Future<?> each : revoked) {
        each.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
