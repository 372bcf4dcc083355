package io.pensieve.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.RestClient.Reply;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node allowed one request at a time: while a request is in flight (its body still arriving),
 * the next one is refused at once, on REST with 503 {@code overloaded} and on gRPC with
 * UNAVAILABLE; probes still answer; once the first request completes, requests are served.
 */
class ConcurrencyLimitIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TestCluster cluster =
      TestCluster.perClass(1, builder -> builder.maxConcurrentRequests(1));

  private final RestClient rest = new RestClient();

  @Test
  void pastTheLimitRequestsAreRefusedCleanlyAndServedAgainOnceTheSlotFrees() throws Exception {
    PensieveNode node = cluster.awaitLeader();
    try (RawHttp slow = new RawHttp(node, Duration.ofSeconds(20));
         KvClient grpc = KvClient.connect(node)) {
      // the handler waits for the rest of this body, holding the node's one slot
      slow.write("PUT /v1/kv/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      slow.writeChunk("{\"value\":".getBytes(StandardCharsets.US_ASCII));

      Reply refused = await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.put(node, "/v1/kv/other", "{\"value\":\"x\"}"),
              reply -> reply.status() == 503);
      assertThat(refused.json().path("error").path("code").asText()).isEqualTo("overloaded");
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");

      // raw gRPC: the status and trailer the node sends are the contract under test
      StatusRuntimeException grpcRefused = catchThrowableOfType(StatusRuntimeException.class,
          () -> grpc.kv().put(KvClient.putRequest("other", "x")));
      assertThat(grpcRefused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(ErrorTrailer.code(grpcRefused)).hasValue("overloaded");

      // probes and scrapes are exempt: an overloaded node is not a dead one
      assertThat(rest.get(node, "/metrics").text())
          .contains("\npensieve_requests_in_flight 1.0\n")
          .contains("\npensieve_requests_in_flight_limit 1.0\n")
          .contains("pensieve_http_requests_total{method=\"PUT\",route=\"/v1/kv/{key}\","
              + "status=\"503\"} 1.0");
      assertThat(rest.get(node, "/health").status()).isEqualTo(200);
      // readiness is looked at every 200 ms: a node just started may not be ready yet
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get(node, "/ready").status() == 200);
      await().atMost(Duration.ofSeconds(10)).until(() -> HealthGrpc.newBlockingStub(
          grpc.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus()
          == ServingStatus.SERVING);

      slow.writeChunk("\"done\"}".getBytes(StandardCharsets.US_ASCII));
      slow.write("0\r\n\r\n");
      RawHttp.Response finished = slow.readResponse();
      assertThat(finished.status()).isEqualTo(200);
      assertThat(JSON.readTree(finished.body()).path("version").asLong()).isEqualTo(1);

      // the slot is released once the answer is sent: a client may read the answer a moment
      // before the node has released it, so the next request may still find it taken
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(rest.put(node, "/v1/kv/other", "{\"value\":\"x\"}").status())
              .isEqualTo(200));
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
          assertThat(grpc.value("slow")).contains("done"));
    }
  }
}
