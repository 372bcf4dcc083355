package io.pensieve.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alives against gRPC servers on loopback ports that serve KeepAlive streams as nodes do,
 * with a TTL of 1 s so that renewals come every third of a second: every lease of a client on
 * one stream, a lost lease reported and dropped alone, a failed node left for the next.
 */
class LeaseKeepAliveTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private FakeLeaseNode first;
  private FakeLeaseNode second;

  @BeforeEach
  void start() throws IOException {
    first = new FakeLeaseNode(1);
    second = new FakeLeaseNode(1);
  }

  @AfterEach
  void stop() {
    first.close();
    second.close();
  }

  private static PensieveClient client(String... endpoints) {
    return PensieveClient.builder().endpoints(endpoints).deadline(Duration.ofSeconds(5))
        .retryPause(Duration.ofMillis(10), Duration.ofMillis(50)).build();
  }

  private static long keepAliveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("pensieve-lease")).count();
  }

  @Test
  void aHundredLeasesAreRenewedOverOneStreamByOneThread() {
    long threadsBefore = keepAliveThreads();
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      List<LeaseKeepAlive> kept = new ArrayList<>();
      LongStream.rangeClosed(1, 100).forEach(id -> kept.add(client.keepAlive(id)));

      await("every lease renewed three times").atMost(PATIENCE).until(() ->
          LongStream.rangeClosed(1, 100).allMatch(id -> first.renewals(id) >= 3));

      assertThat(first.streamsOpened()).isEqualTo(1);
      assertThat(second.streamsOpened()).isZero();
      assertThat(keepAliveThreads()).isBetween(1L, threadsBefore + 1);
      assertThat(kept).allSatisfy(lease -> {
        assertThat(lease.lost()).isEmpty();
        assertThat(lease.lastRenewal()).hasValueSatisfying(renewal -> {
          assertThat(renewal.getId()).isEqualTo(lease.id());
          assertThat(renewal.getTtlSeconds()).isEqualTo(1);
        });
      });
      kept.forEach(LeaseKeepAlive::close);
    }
  }

  @Test
  void aLostLeaseIsReportedOnceAndDroppedWhileTheOthersGoOn() {
    try (PensieveClient client = client(first.endpoint());
        LeaseKeepAlive kept = client.keepAlive(1);
        LeaseKeepAlive revoked = client.keepAlive(2)) {
      await().atMost(PATIENCE).until(() -> first.renewals(2) >= 1);

      first.revoke(2);

      await("lease 2 lost").atMost(PATIENCE).until(() -> revoked.lost().isPresent());
      assertThat(revoked.lost().get().status()).isEqualTo(Status.Code.NOT_FOUND);
      PensieveException reported = revoked.lost().get();
      int renewalsOfKept = first.renewals(1);
      await("lease 1 renewed on").atMost(PATIENCE)
          .until(() -> first.renewals(1) >= renewalsOfKept + 3);
      // lease 2 is no longer sent: its NOT_FOUND ended one stream, the one after it lives on
      assertThat(first.streamsOpened()).isEqualTo(2);
      assertThat(first.streamsOpen()).isEqualTo(1);
      assertThat(revoked.lost()).containsSame(reported);
      assertThat(kept.lost()).isEmpty();
    }
  }

  @Test
  void whenTheNodeOfTheStreamStopsTheRenewalsGoToTheNext() {
    try (PensieveClient client = client(first.endpoint(), second.endpoint());
        LeaseKeepAlive kept = client.keepAlive(7)) {
      await().atMost(PATIENCE).until(() -> first.renewals(7) >= 2);

      first.close();

      await("renewed by the next node").atMost(PATIENCE).until(() -> second.renewals(7) >= 2);
      assertThat(second.streamsOpened()).isEqualTo(1);
      assertThat(kept.lost()).isEmpty();
    }
  }

  @Test
  void aClientWithNoLeaseLeftEndsItsStreamAndClosingTheClientStopsRenewals() {
    PensieveClient client = client(first.endpoint());
    try {
      LeaseKeepAlive one = client.keepAlive(1);
      LeaseKeepAlive other = client.keepAlive(2);
      await().atMost(PATIENCE).until(() -> first.renewals(1) >= 1 && first.renewals(2) >= 1);

      one.close();
      int renewalsOfOne = first.renewals(1);
      await().atMost(PATIENCE).until(() -> first.renewals(2) >= 4);
      assertThat(first.renewals(1)).isLessThanOrEqualTo(renewalsOfOne + 1);
      assertThat(first.streamsOpen()).isEqualTo(1);

      other.close();
      await("the idle stream ended").atMost(PATIENCE).until(() -> first.streamsOpen() == 0);

      LeaseKeepAlive again = client.keepAlive(3);
      await().atMost(PATIENCE).until(() -> first.renewals(3) >= 1);
      assertThat(first.streamsOpened()).isEqualTo(2);
      client.close();
      await("closing the client ends the stream").atMost(PATIENCE)
          .until(() -> first.streamsOpen() == 0);
      assertThat(again.lost()).isEmpty();
    } finally {
      client.close();
    }
  }
}
