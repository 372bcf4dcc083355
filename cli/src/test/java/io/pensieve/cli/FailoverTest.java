package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which failures send a call on to the next endpoint, against fake nodes that answer as a real
 * one does in each case.
 */
class FailoverTest {
  private final List<Server> servers = new ArrayList<>();

  /** A node whose every Put and Get is answered by {@code answer}, counting the calls. */
  private final class FakeNode extends KVGrpc.KVImplBase {
    final AtomicInteger calls = new AtomicInteger();
    private final BiConsumer<Object, StreamObserver<Object>> answer;
    final String address;

    @SuppressWarnings("unchecked")
    FakeNode(BiConsumer<Object, StreamObserver<Object>> answer) throws IOException {
      this.answer = answer;
      Server server = NettyServerBuilder
          .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .addService(this).build().start();
      servers.add(server);
      this.address = "127.0.0.1:" + server.getPort();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
      calls.incrementAndGet();
      answer.accept(request, (StreamObserver<Object>) (StreamObserver<?>) observer);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void get(GetRequest request, StreamObserver<GetResponse> observer) {
      calls.incrementAndGet();
      answer.accept(request, (StreamObserver<Object>) (StreamObserver<?>) observer);
    }
  }

  private static BiConsumer<Object, StreamObserver<Object>> fails(Status status, String code) {
    return (request, observer) -> {
      Metadata trailers = new Metadata();
      if (code != null) {
        trailers.put(ErrorTrailer.KEY, code);
      }
      observer.onError(status.asRuntimeException(trailers));
    };
  }

  @SuppressWarnings("UnnecessaryLambda") // a named behaviour for new FakeNode(answers())
  private static BiConsumer<Object, StreamObserver<Object>> answers() {
    return (request, observer) -> {
      if (request instanceof PutRequest) {
        observer.onNext(PutResponse.newBuilder().setVersion(7).setCreateRevision(7).build());
      } else {
        observer.onNext(GetResponse.newBuilder().setFound(true).setAppliedIndex(9)
            .setKv(KeyValue.newBuilder().setKey(((GetRequest) request).getKey())
                .setValue(com.google.protobuf.ByteString.copyFromUtf8("hello")).setVersion(7))
            .build());
      }
      observer.onCompleted();
    };
  }

  @SuppressWarnings("UnnecessaryLambda") // a named behaviour for new FakeNode(neverAnswers())
  private static BiConsumer<Object, StreamObserver<Object>> neverAnswers() {
    return (request, observer) -> { };
  }

  private static String deadAddress() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  /**
   * pvctl with a deadline that leaves room for every endpoint's attempt on a loaded machine:
   * the deadline is the whole call's, all attempts included.
   */
  private static PvctlRun pvctl(String endpoints, String... args) {
    return pvctlWithin("5s", endpoints, args);
  }

  private static PvctlRun pvctlWithin(String timeout, String endpoints, String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoints", endpoints, "--timeout", timeout));
    all.addAll(List.of(args));
    return PvctlRun.of(all.toArray(String[]::new));
  }

  @AfterEach
  void stopServers() throws InterruptedException {
    for (Server server : servers) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRefusedConnectionGoesToTheNextEndpoint() throws IOException {
    FakeNode node = new FakeNode(answers());

    PvctlRun put = pvctl(deadAddress() + "," + node.address, "put", "greeting", "hello");

    assertThat(put.exitCode()).as(put.err()).isZero();
    assertThat(put.out()).contains("version: 7");
  }

  @Test
  void aWriteWithNoLeaderGoesToTheNextEndpoint() throws IOException {
    FakeNode electing = new FakeNode(fails(Status.UNAVAILABLE.withDescription("no leader"), "no_leader"));
    FakeNode node = new FakeNode(answers());

    PvctlRun put = pvctl(electing.address + "," + node.address, "put", "greeting", "hello");

    assertThat(put.exitCode()).as(put.err()).isZero();
    assertThat(electing.calls).hasValue(1);
    assertThat(node.calls).hasValue(1);
  }

  @Test
  void aWriteLostInFlightIsAnUnknownOutcomeAndNotRetried() throws IOException {
    FakeNode broken = new FakeNode(fails(Status.UNAVAILABLE.withDescription("connection reset"), null));
    FakeNode node = new FakeNode(answers());

    PvctlRun put = pvctl(broken.address + "," + node.address, "put", "greeting", "hello");

    assertThat(put.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(put.err()).contains("connection reset").contains("(unknown_outcome)");
    assertThat(node.calls).hasValue(0);
  }

  @Test
  void aReadLostInFlightGoesToTheNextEndpoint() throws IOException {
    FakeNode broken = new FakeNode(fails(Status.UNAVAILABLE.withDescription("connection reset"), null));
    FakeNode node = new FakeNode(answers());

    PvctlRun get = pvctl(broken.address + "," + node.address, "get", "greeting");

    assertThat(get.exitCode()).as(get.err()).isZero();
    assertThat(get.out()).contains("value: hello");
  }

  @Test
  void aWriteWithNoAnswerInTimeIsAnUnknownOutcomeAndNotRetried() throws IOException {
    FakeNode silent = new FakeNode(neverAnswers());
    FakeNode node = new FakeNode(answers());

    PvctlRun put = pvctlWithin("1s", silent.address + "," + node.address, "put", "greeting",
        "hello");

    assertThat(put.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(put.err()).isEqualTo("pvctl: " + silent.address + " did not answer within 1s:"
        + " the request may or may not have been applied (unknown_outcome)\n");
    assertThat(node.calls).hasValue(0);
  }

  @Test
  void aRefusalIsFinal() throws IOException {
    FakeNode refusing = new FakeNode(fails(
        Status.RESOURCE_EXHAUSTED.withDescription("value is 2000000 bytes, over 1048576"),
        "value_too_large"));
    FakeNode node = new FakeNode(answers());

    PvctlRun put = pvctl(refusing.address + "," + node.address, "put", "greeting", "hello");

    assertThat(put.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(put.err())
        .isEqualTo("pvctl: value is 2000000 bytes, over 1048576 (value_too_large)\n");
    assertThat(node.calls).hasValue(0);
  }

  @Test
  void noEndpointAnsweringExitsThreeNamingEach() throws IOException {
    String first = deadAddress();
    FakeNode electing = new FakeNode(fails(Status.UNAVAILABLE.withDescription("no leader"), "no_leader"));

    PvctlRun get = pvctl(first + "," + electing.address, "get", "greeting");

    assertThat(get.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(get.err()).isEqualTo("pvctl: no endpoint answered: " + first
        + " (connection refused), " + electing.address + " (no leader)\n");
  }

  @Test
  void aReadRefusedWithACodeThisPvctlDoesNotKnowIsFinal() throws IOException {
    FakeNode newer = new FakeNode(fails(Status.UNAVAILABLE.withDescription("resharding"),
        "a_newer_code"));
    FakeNode node = new FakeNode(answers());

    PvctlRun get = pvctl(newer.address + "," + node.address, "get", "greeting");

    assertThat(get.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(get.err())
        .isEqualTo("pvctl: " + newer.address + ": resharding (a_newer_code)\n");
    assertThat(node.calls).hasValue(0);
  }

  @Test
  void eachEndpointIsTriedOnceAndThenTheCallEnds() throws IOException {
    FakeNode first = new FakeNode(fails(Status.UNAVAILABLE.withDescription("no leader"),
        "no_leader"));
    FakeNode second = new FakeNode(fails(Status.UNAVAILABLE.withDescription("overloaded"),
        "overloaded"));

    PvctlRun put = pvctl(first.address + "," + second.address, "put", "greeting", "hello");

    assertThat(put.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(put.err()).isEqualTo("pvctl: no endpoint answered: " + first.address
        + " (no leader), " + second.address + " (overloaded)\n");
    assertThat(first.calls).hasValue(1);
    assertThat(second.calls).hasValue(1);
  }
}
