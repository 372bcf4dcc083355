package io.pensieve.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A KeepAlive stream holds a permit of the node's concurrency limit only while a renewal of its
 * own is being worked on, not for its whole life: more streams stay open than the limit allows
 * calls at once, and other calls are still served.
 */
class KeepAliveStreamPermitsIT {
  private static final int LIMIT = 2;
  private static final int STREAMS = 5;
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestCluster cluster =
      TestCluster.perClass(1, builder -> builder.maxConcurrentRequests(LIMIT));

  @Test
  void moreOpenKeepAliveStreamsThanTheLimitLeaveRoomForOtherCalls() {
    PensieveNode node = cluster.awaitLeader();
    try (KvClient client = KvClient.connect(node)) {
      long id = LeaseGrpc.newBlockingStub(client.channel())
          .withDeadlineAfter(KvClient.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .grant(LeaseGrantRequest.newBuilder().setTtlSeconds(30).build()).getId();
      LeaseKeepAliveRequest renewal = LeaseKeepAliveRequest.newBuilder().setId(id).build();
      List<Stream> streams = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        streams.add(new Stream(LeaseGrpc.newStub(client.channel())));
      }

      // each stream in turn renews once and is answered: then all five are open at once, and
      // each renewal held a permit only until answered (two renewals at once would fit)
      for (Stream stream : streams) {
        renew(stream, renewal, 1);
      }

      // a unary call is served though more streams than the limit are open
      client.put("beside-streams", "v");
      assertThat(client.get("beside-streams", Consistency.CONSISTENCY_LINEARIZABLE).getFound())
          .isTrue();
      assertThat(new RestClient().get(node, "/metrics").text())
          .contains("\npensieve_requests_in_flight 0.0\n");
      assertThat(streams).allSatisfy(stream -> assertThat(stream.ended).isEmpty());

      // and the streams still renew
      for (Stream stream : streams) {
        renew(stream, renewal, 2);
      }
      streams.forEach(stream -> stream.requests.onCompleted());
      await("every stream completed").atMost(PATIENCE)
          .until(() -> streams.stream().allMatch(stream -> stream.ended.contains("completed")));
    }
  }

  private static void renew(Stream stream, LeaseKeepAliveRequest renewal, int answers) {
    stream.requests.onNext(renewal);
    await("answer " + answers + " of a stream").atMost(PATIENCE)
        .until(() -> stream.answers.get() == answers || !stream.ended.isEmpty());
    assertThat(stream.ended).isEmpty();
    assertThat(stream.answers).hasValue(answers);
  }

  /** One KeepAlive stream, counting its answers and saying how it ended. */
  private static final class Stream implements StreamObserver<LeaseKeepAliveResponse> {
    final AtomicInteger answers = new AtomicInteger();
    final List<String> ended = new CopyOnWriteArrayList<>();
    final StreamObserver<LeaseKeepAliveRequest> requests;

    Stream(LeaseGrpc.LeaseStub stub) {
      requests = stub.keepAlive(this);
    }

    @Override
    public void onNext(LeaseKeepAliveResponse answer) {
      answers.incrementAndGet();
    }

    @Override
    public void onError(Throwable failure) {
      ended.add("failed: " + failure);
    }

    @Override
    public void onCompleted() {
      ended.add("completed");
    }
  }
}
