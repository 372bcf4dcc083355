package io.pensieve.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.Outcome;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a client sends a call after a failure, against gRPC servers on loopback ports that
 * answer as nodes do: the next endpoint only when the error table (or a connection never made)
 * says the request did not apply.
 */
class FailoverTest {
  private FakeNode first;
  private FakeNode second;

  @BeforeEach
  void start() throws IOException {
    first = new FakeNode();
    second = new FakeNode();
  }

  @AfterEach
  void stop() {
    first.close();
    second.close();
  }

  private PensieveClient client(String... endpoints) {
    return PensieveClient.builder().endpoints(endpoints).deadline(Duration.ofSeconds(5))
        .retryPause(Duration.ofMillis(1), Duration.ofMillis(5)).build();
  }

  @Test
  void anEndpointThatIsDownIsPassedOverAndTheOneThatAnsweredIsRemembered() throws IOException {
    try (PensieveClient client = client(FakeNode.closedEndpoint(), second.endpoint())) {
      client.put("k", "v");
      client.put("k", "v");

      assertThat(second.calls()).isEqualTo(2);
    }
  }

  @Test
  void aWriteRefusedBeforeTheLogGoesToTheNextEndpoint() {
    first.failing("no_leader");
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      client.put("k", "v");

      assertThat(first.calls()).isEqualTo(1);
      assertThat(second.calls()).isEqualTo(1);
    }
  }

  @Test
  void aWriteOfUnknownOutcomeIsNotSentAgain() {
    first.failing("unknown_outcome");
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      assertThatThrownBy(() -> client.put("k", "v"))
          .isInstanceOfSatisfying(PensieveException.class, failure -> {
            assertThat(failure.code()).isEqualTo("unknown_outcome");
            assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_UNKNOWN);
          });

      assertThat(second.calls()).isZero();
    }
  }

  @Test
  void aFailureThatWouldRecurIsNotSentAgain() {
    first.failing("permission_denied");
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      assertThatThrownBy(() -> client.get("k")).isInstanceOf(PensieveException.class)
          .hasMessageContaining("permission_denied");

      assertThat(second.calls()).isZero();
    }
  }

  @Test
  void retriesEndAfterTheirAttemptsWithEveryFailureAttached() {
    first.failing("no_leader");
    second.failing("no_leader");
    try (PensieveClient client = PensieveClient.builder()
        .endpoints(first.endpoint(), second.endpoint()).maxAttempts(4)
        .retryPause(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
      assertThatThrownBy(() -> client.put("k", "v"))
          .isInstanceOfSatisfying(PensieveException.class, failure -> {
            assertThat(failure.outcome()).isEqualTo(Outcome.OUTCOME_NOT_APPLIED);
            assertThat(failure.getSuppressed()).hasSize(3);
          });

      assertThat(first.calls()).isEqualTo(2);
      assertThat(second.calls()).isEqualTo(2);
    }
  }

  @Test
  void oneAttemptSendsEachCallOnce() {
    first.failing("overloaded");
    try (PensieveClient client = PensieveClient.builder()
        .endpoints(first.endpoint(), second.endpoint()).maxAttempts(1).build()) {
      assertThatThrownBy(() -> client.get("k")).isInstanceOf(PensieveException.class);

      assertThat(first.calls()).isEqualTo(1);
      assertThat(second.calls()).isZero();
    }
  }

  @Test
  void asynchronousCallsFollowTheSameRules() throws Exception {
    first.failing("no_leader");
    try (PensieveClient client = client(first.endpoint(), second.endpoint())) {
      CompletableFuture<PutResponse> put = new CompletableFuture<>();
      client.putAsync(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build(),
          PensieveClient.Callback.completing(put));
      put.get(5, TimeUnit.SECONDS);
      assertThat(second.calls()).isEqualTo(1);

      second.failing("unknown_outcome");
      CompletableFuture<PutResponse> unknown = new CompletableFuture<>();
      client.putAsync(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build(),
          PensieveClient.Callback.completing(unknown));
      assertThatThrownBy(() -> unknown.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(PensieveException.class);
      assertThat(second.calls()).isEqualTo(2);
      assertThat(first.calls()).isEqualTo(1);

      first.answering();
      second.failing("unavailable");
      CompletableFuture<Object> get = new CompletableFuture<>();
      client.getAsync(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build(),
          PensieveClient.Callback.completing(get));
      get.get(5, TimeUnit.SECONDS);
      assertThat(first.calls()).isEqualTo(2);
    }
  }
}
