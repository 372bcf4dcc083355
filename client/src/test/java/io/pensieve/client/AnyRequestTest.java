package io.pensieve.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests beyond the typed methods (any unary method, a few calls on one channel), clients
 * derived from another, and their failover, against gRPC servers on loopback ports.
 */
class AnyRequestTest {
  private static final PutRequest PUT =
      PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build();

  private FakeNode first;
  private FakeNode second;
  private Server silent;

  @BeforeEach
  void start() throws IOException {
    first = new FakeNode();
    second = new FakeNode();
    silent = NettyServerBuilder
        .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(new KVGrpc.KVImplBase() {
          @Override
          public void get(GetRequest request, StreamObserver<GetResponse> answer) {
            // never answers: the caller's deadline ends the call
          }
        }).build().start();
  }

  @AfterEach
  void stop() {
    first.close();
    second.close();
    silent.shutdownNow();
  }

  private String silentEndpoint() {
    return "127.0.0.1:" + silent.getPort();
  }

  private static PensieveClient client(String... endpoints) {
    return PensieveClient.builder().endpoints(endpoints).deadline(Duration.ofSeconds(5))
        .retryPause(Duration.ZERO, Duration.ZERO).build();
  }

  @Test
  void anyUnaryMethodFailsOverByTheErrorTable() {
    first.failing("no_leader");
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      PutResponse response = client.call(KVGrpc.getPutMethod(), PUT, true);

      assertThat(response).isNotNull();
      assertThat(first.calls()).isEqualTo(1);
      assertThat(second.calls()).isEqualTo(1);
    }
  }

  @Test
  void aWriteOfUnknownOutcomeThroughAnyMethodIsNotSentAgain() {
    first.failing("unknown_outcome");
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      assertThatThrownBy(() -> client.call(KVGrpc.getPutMethod(), PUT, true))
          .isInstanceOfSatisfying(PensieveException.class,
              failure -> assertThat(failure.endpoint()).isEqualTo(first.endpoint()));

      assertThat(second.calls()).isZero();
    }
  }

  @Test
  void callsOnOneChannelAreRunAgainOnTheNextEndpointAsAWhole() {
    first.failing("overloaded");
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      GetResponse response = client.call(channel -> {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        kv.put(PUT);
        return kv.get(GetRequest.newBuilder().setKey(PUT.getKey()).build());
      }, true);

      assertThat(response.getFound()).isFalse();
      assertThat(first.calls()).isEqualTo(1);
      assertThat(second.calls()).isEqualTo(2);
    }
  }

  @Test
  void aFailureOtherThanGrpcsEndsTheCallUnchanged() {
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      UncheckedIOException disk = new UncheckedIOException(new IOException("disk full"));

      assertThatThrownBy(() -> client.call(channel -> {
        KVGrpc.newBlockingStub(channel).put(PUT);
        throw disk;
      }, true)).isSameAs(disk);
      assertThat(first.calls() + second.calls()).isEqualTo(1);
    }
  }

  @Test
  void callsOnTheChannelGetTheClientsDeadline() {
    try (PensieveClient client = PensieveClient.builder().endpoints(silentEndpoint())
        .deadline(Duration.ofMillis(200)).build()) {
      assertThatThrownBy(() -> client.call(channel -> KVGrpc.newBlockingStub(channel)
          .get(GetRequest.getDefaultInstance()), false))
          .isInstanceOfSatisfying(PensieveException.class, failure ->
              assertThat(failure.status()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    }
  }

  @Test
  void aMemberClientAsksOnlyItsNodeOnce() {
    second.failing("overloaded");
    try (PensieveClient client = client(first.endpoint(), second.endpoint());
        PensieveClient member = client.member(second.endpoint())) {
      assertThat(member.endpoints()).containsExactly(second.endpoint());
      assertThatThrownBy(() -> member.put("k", "v")).isInstanceOf(PensieveException.class);

      assertThat(second.calls()).isEqualTo(1);
      assertThat(first.calls()).isZero();
    }
  }

  @Test
  void aDerivedClientHasItsOwnDeadlineAndEndpoints() {
    try (PensieveClient client = PensieveClient.builder()
        .endpoints(first.endpoint(), silentEndpoint()).deadline(Duration.ofSeconds(30)).build();
        PensieveClient quick = client.toBuilder().endpoints(silentEndpoint())
            .deadline(Duration.ofMillis(200)).build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> quick.get("k")).isInstanceOfSatisfying(PensieveException.class,
          failure -> assertThat(failure.status()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(client.endpoints()).containsExactly(first.endpoint(), silentEndpoint());
      assertThat(client.get("k")).isEmpty();
    }
  }
}
