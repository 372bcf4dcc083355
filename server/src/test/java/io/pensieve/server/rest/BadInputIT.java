package io.pensieve.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.RestClient.Reply;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each bad request gets its status and a JSON error body naming its code, and changes nothing:
 * the leader's state digest is the same before and after. The cluster runs with small limits
 * (64-byte keys, 1 KiB values) so that the size checks are cheap to reach.
 */
class BadInputIT {
  private static final int MAX_KEY_BYTES = 64;
  private static final int MAX_VALUE_BYTES = 1024;
  /** What BodyLimit derives from the limits above: room for both twice, plus 16 KiB. */
  private static final int MAX_BODY_BYTES = 2 * (MAX_KEY_BYTES + MAX_VALUE_BYTES) + 16 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> builder.initialSettings(
      new Settings(0, 0, EvictionPolicy.LRU, 0, MAX_KEY_BYTES, MAX_VALUE_BYTES)));
  final RestClient rest = new RestClient();

  @BeforeAll
  static void prepareCluster() throws Exception {
    RestClient rest = new RestClient();
    // the first leader proposes the settings and each node its addresses, through the log;
    // wait for both everywhere, so that nothing but the requests below changes the state
    for (PensieveNode node : cluster.nodes()) {
      await(node.info().id() + " applies the small limits").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> rest.get(node, "/v1/stats").json().path("settings"),
              settings -> settings.path("max_value_bytes").asInt() == MAX_VALUE_BYTES
                  && settings.path("max_key_bytes").asInt() == MAX_KEY_BYTES);
    }
    await("every member is advertised").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.nodes().stream().allMatch(
            node -> node.stateMachine().memberAddresses().size() == 3));
    // something to lose: a bad request must leave it as it is
    assertThat(rest.put(cluster.awaitLeader(), "/v1/kv/existing", "{\"value\":\"kept\"}")
        .status()).isEqualTo(200);
    target = cluster.followers().get(0);
    await("every node applies the same state").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.nodes().stream()
            .map(node -> node.stateMachine().digest().getSha256()).distinct().count() == 1);
  }

  /** The node bad requests go to: a follower when the class starts; any node would do. */
  private static PensieveNode target;

  private PensieveNode follower() {
    return target;
  }

  // ---- bodies ----

  @Test
  void malformedJsonIsRefused() {
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":"), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "{value: \"x\"}"), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", ""), 400, "invalid_argument");
  }

  @Test
  void jsonWithTrailingContentIsRefused() {
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":\"a\"} trailing"), 400,
        "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":\"a\"}{\"value\":\"b\"}"), 400,
        "invalid_argument");
  }

  @Test
  void aDuplicatedFieldIsRefused() {
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":\"a\",\"value\":\"b\"}"), 400,
        "invalid_argument");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    assertRefused(() -> putJson("/v1/kv/k", "[\"value\",\"x\"]"), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "\"x\""), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "null"), 400, "invalid_argument");
  }

  @Test
  void aBodyWithoutValueIsRefused() {
    assertRefused(() -> putJson("/v1/kv/k", "{\"val\":\"x\"}"), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":null}"), 400, "invalid_argument");
  }

  @Test
  void aFieldOfTheWrongTypeIsRefused() {
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":5}"), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":{\"nested\":1}}"), 400,
        "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":\"x\",\"ttl_seconds\":\"10\"}"), 400,
        "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":\"x\",\"ttl_seconds\":1.5}"), 400,
        "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/k", "{\"value\":\"x\",\"if_absent\":\"yes\"}"), 400,
        "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/existing", "{\"value\":\"x\",\"if_version\":\"1\"}"),
        400, "invalid_argument");
  }

  @Test
  void invalidUtf8InsideAJsonStringIsRefused() {
    byte[] body = concat("{\"value\":\"".getBytes(StandardCharsets.US_ASCII),
        new byte[] {(byte) 0xC3, 0x28}, "\"}".getBytes(StandardCharsets.US_ASCII));

    assertRefused(() -> rest.send(HttpRequest.newBuilder(RestClient.uri(follower(), "/v1/kv/k"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build()), 400, "invalid_argument");
  }

  // ---- keys ----

  @Test
  void anEmptyKeyIsRefused() {
    assertRefused(() -> putJson("/v1/kv/", "{\"value\":\"x\"}"), 400, "invalid_argument");
    assertRefused(() -> rest.get(follower(), "/v1/kv/"), 400, "invalid_argument");
    assertRefused(() -> rest.delete(follower(), "/v1/kv/"), 400, "invalid_argument");
  }

  @Test
  void aKeyThatIsNotUtf8IsRefused() {
    assertRefused(() -> putJson("/v1/kv/%FF", "{\"value\":\"x\"}"), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/%C3%28", "{\"value\":\"x\"}"), 400, "invalid_argument");
    assertRefused(() -> rest.get(follower(), "/v1/kv/%FF"), 400, "invalid_argument");
  }

  @Test
  void aQueryParameterThatIsNotUtf8IsRefused() {
    Reply seed = raw("GET", "/get?key=%FF", null);
    assertThat(seed.status()).as(seed.text()).isEqualTo(400);
    assertThat(seed.json().path("code").asText()).isEqualTo("invalid_argument");

    assertRefused(() -> raw("PUT", "/v1/kv/existing?if_value=%FF", "{\"value\":\"x\"}"), 400,
        "invalid_argument");
  }

  @Test
  void aMalformedPercentEncodingIsRefused() {
    // java.net.URI refuses these, so they go over a plain socket
    assertRefused(() -> raw("PUT", "/v1/kv/a%ZZ", "{\"value\":\"x\"}"), 400,
        "invalid_argument");
    assertRefused(() -> raw("PUT", "/v1/kv/a%2", "{\"value\":\"x\"}"), 400,
        "invalid_argument");
    assertRefused(() -> raw("GET", "/v1/kv/%", null), 400, "invalid_argument");
  }

  @Test
  void aKeyOverTheLimitIsRefusedAndOneAtTheLimitIsNot() {
    String atLimit = "k".repeat(MAX_KEY_BYTES);
    String overLimit = "k".repeat(MAX_KEY_BYTES + 1);

    assertRefused(() -> putJson("/v1/kv/" + overLimit, "{\"value\":\"x\"}"), 413,
        "key_too_large");
    assertRefused(() -> rest.get(follower(), "/v1/kv/" + overLimit), 413, "key_too_large");
    assertRefused(() -> rest.delete(follower(), "/v1/kv/" + overLimit), 413, "key_too_large");
    assertThat(putJson("/v1/kv/" + atLimit, "{\"value\":\"x\"}").status()).isEqualTo(200);
  }

  @Test
  void theKeyLimitCountsUtf8Bytes() {
    // 33 two-byte characters: 33 characters, 66 bytes
    String encoded = "%C3%A9".repeat(MAX_KEY_BYTES / 2 + 1);

    assertRefused(() -> putJson("/v1/kv/" + encoded, "{\"value\":\"x\"}"), 413,
        "key_too_large");
  }

  // ---- values ----

  @Test
  void aValueOverTheLimitIsRefusedAndOneAtTheLimitIsNot() {
    assertRefused(() -> putJson("/v1/kv/big",
        "{\"value\":\"" + "v".repeat(MAX_VALUE_BYTES + 1) + "\"}"), 413, "value_too_large");
    // 513 two-byte characters: under the limit in characters, over it in bytes
    assertRefused(() -> putJson("/v1/kv/big",
        "{\"value\":\"" + "\u00e9".repeat(MAX_VALUE_BYTES / 2 + 1) + "\"}"), 413,
        "value_too_large");
    assertRefused(() -> rest.send(HttpRequest.newBuilder(RestClient.uri(follower(), "/v1/kv/big"))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_VALUE_BYTES + 1])).build()),
        413, "value_too_large");
    assertThat(putJson("/v1/kv/big", "{\"value\":\"" + "v".repeat(MAX_VALUE_BYTES) + "\"}")
        .status()).isEqualTo(200);
  }

  // ---- options ----

  @Test
  void twoConditionsAtOnceAreRefused() {
    assertRefused(() -> putJson("/v1/kv/existing",
        "{\"value\":\"x\",\"if_version\":1,\"if_absent\":true}"), 400, "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/existing",
        "{\"value\":\"x\",\"if_value\":\"kept\",\"if_absent\":true}"), 400, "invalid_argument");
    assertRefused(() -> rest.delete(follower(), "/v1/kv/existing?if_version=1&if_value=kept"),
        400, "invalid_argument");
  }

  @Test
  void aConditionInTheBodyAndAnotherInTheQueryAreRefused() {
    // the query's if_absent would refuse this write; dropping it silently would overwrite
    assertRefused(() -> putJson("/v1/kv/existing?if_absent=true",
        "{\"value\":\"overwritten\",\"if_value\":\"kept\"}"), 400, "invalid_argument");
  }

  @Test
  void aTtlInTheBodyAndAnotherInTheQueryAreRefused() {
    assertRefused(() -> putJson("/v1/kv/existing?ttl_seconds=1",
        "{\"value\":\"x\",\"ttl_seconds\":100}"), 400, "invalid_argument");
  }

  @Test
  void aNegativeOrHugeTtlIsRefused() {
    assertRefused(() -> putJson("/v1/kv/existing", "{\"value\":\"x\",\"ttl_seconds\":-1}"), 400,
        "invalid_argument");
    assertRefused(() -> putJson("/v1/kv/existing",
        "{\"value\":\"x\",\"ttl_seconds\":" + Long.MAX_VALUE + "}"), 400, "invalid_argument");
    assertRefused(() -> rest.send(HttpRequest.newBuilder(
            RestClient.uri(follower(), "/v1/kv/existing?ttl_seconds=-5"))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build()),
        400, "invalid_argument");
    assertRefused(() -> rest.send(HttpRequest.newBuilder(
            RestClient.uri(follower(), "/v1/kv/existing?ttl_seconds=soon"))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build()),
        400, "invalid_argument");
  }

  @Test
  void aVersionBelowOneIsRefused() {
    assertRefused(() -> putJson("/v1/kv/existing", "{\"value\":\"x\",\"if_version\":0}"), 400,
        "invalid_argument");
  }

  @Test
  void aDeleteWithATtlIsRefused() {
    assertRefused(() -> rest.delete(follower(), "/v1/kv/existing?ttl_seconds=1"), 400,
        "invalid_argument");
  }

  @Test
  void anUnknownConsistencyIsRefused() {
    assertRefused(() -> rest.get(follower(), "/v1/kv/existing?consistency=bogus"), 400,
        "invalid_argument");
    assertRefused(() -> raw("GET", "/v1/kv/existing?consistency=%ZZ", null), 400,
        "invalid_argument");
  }

  // ---- routes and methods ----

  @Test
  void anUnknownRouteAnswers404() {
    assertRefused(() -> rest.get(follower(), "/v2/kv/existing"), 404, "not_found");
    assertRefused(() -> putJson("/nowhere", "{\"value\":\"x\"}"), 404, "not_found");
  }

  @Test
  void aWrongMethodAnswers405WithAllow() {
    Reply onKey = assertRefused(() -> rest.post(follower(), "/v1/kv/existing",
        "{\"value\":\"x\"}"), 405, "method_not_allowed");
    Reply onCluster = assertRefused(() -> putJson("/v1/cluster", "{}"), 405,
        "method_not_allowed");
    Reply onStats = assertRefused(() -> rest.delete(follower(), "/v1/stats"), 405,
        "method_not_allowed");

    assertThat(onKey.headers().firstValue("Allow")).hasValue("GET, PUT, DELETE");
    assertThat(onCluster.headers().firstValue("Allow")).hasValue("GET");
    assertThat(onStats.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void aRequestLineJettyCannotParseAnswers400InTheErrorModel() throws Exception {
    try (RawHttp http = new RawHttp(follower(), Duration.ofSeconds(10))) {
      ByteString before = leaderDigest();

      http.write("THIS IS NOT HTTP\r\n\r\n");
      RawHttp.Response response = http.readResponse();

      assertThat(response.status()).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).path("error").path("code").asText())
          .isEqualTo("invalid_argument");
      assertThat(leaderDigest()).isEqualTo(before);
    }
  }

  // ---- bodies over the limit ----

  @Test
  void aDeclaredContentLengthOverTheLimitIsRefusedBeforeAnyBodyIsSent() throws Exception {
    try (RawHttp http = new RawHttp(follower(), Duration.ofSeconds(10))) {
      ByteString before = leaderDigest();

      // headers only: the answer must not wait for a body that never comes
      http.write("PUT /v1/kv/declared HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + (MAX_BODY_BYTES + 1)
          + "\r\n\r\n");
      RawHttp.Response response = http.readResponse();

      assertThat(response.status()).isEqualTo(413);
      assertThat(JSON.readTree(response.body()).path("error").path("code").asText())
          .isEqualTo("body_too_large");
      assertThat(leaderDigest()).isEqualTo(before);
    }
  }

  @Test
  void aSlowChunkedBodyOverTheLimitIsRefusedBeforeItEnds() throws Exception {
    int chunkBytes = 1024;
    int chunks = 2 * MAX_BODY_BYTES / chunkBytes; // twice the limit, one chunk per 50 ms
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try (RawHttp http = new RawHttp(follower(), Duration.ofSeconds(20))) {
      ByteString before = leaderDigest();
      http.write("PUT /v1/kv/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean ended = new AtomicBoolean();
      byte[] chunk = new byte[chunkBytes];
      Arrays.fill(chunk, (byte) 'a');
      // a failed write ends the pacing on purpose: the server closed the connection
      var unused = pacer.scheduleAtFixedRate(() -> {
        try {
          if (sent.get() < chunks) {
            http.writeChunk(sent.get() == 0
                ? concat("{\"value\":\"".getBytes(StandardCharsets.US_ASCII), chunk) : chunk);
            sent.incrementAndGet();
          } else if (ended.compareAndSet(false, true)) {
            http.write("0\r\n\r\n");
          }
        } catch (IOException closedByTheServer) {
          throw new IllegalStateException(closedByTheServer); // stops the pacing
        }
      }, 0, 50, TimeUnit.MILLISECONDS);

      RawHttp.Response response = CompletableFuture.supplyAsync(() -> {
        try {
          return http.readResponse();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).get(20, TimeUnit.SECONDS);
      int sentWhenAnswered = sent.get();

      assertThat(response.status()).as(response.text()).isEqualTo(413);
      assertThat(JSON.readTree(response.body()).path("error").path("code").asText())
          .isEqualTo("body_too_large");
      assertThat(ended).as("answered before the body ended").isFalse();
      assertThat(sentWhenAnswered).as("chunks sent when answered")
          .isLessThan(chunks)
          .isGreaterThanOrEqualTo(MAX_BODY_BYTES / chunkBytes);
      assertThat(leaderDigest()).isEqualTo(before);
      assertThat(rest.get(follower(), "/v1/kv/chunked").status()).isEqualTo(404);
    } finally {
      pacer.shutdownNow();
    }
  }

  @Test
  void aChunkedBodyUnderTheLimitIsAccepted() throws Exception {
    try (RawHttp http = new RawHttp(follower(), Duration.ofSeconds(10))) {
      http.write("PUT /v1/kv/chunked-ok HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      http.writeChunk("{\"value\":".getBytes(StandardCharsets.US_ASCII));
      http.writeChunk("\"in pieces\"}".getBytes(StandardCharsets.US_ASCII));
      http.write("0\r\n\r\n");

      RawHttp.Response response = http.readResponse();

      assertThat(response.status()).as(response.text()).isEqualTo(200);
    }
    assertThat(rest.get(follower(), "/v1/kv/chunked-ok").json().path("value").asText())
        .isEqualTo("in pieces");
  }

  @Test
  void aSeedRouteBodyOverTheLimitIsRefusedInTheSeedShape() throws Exception {
    try (RawHttp http = new RawHttp(follower(), Duration.ofSeconds(10))) {
      ByteString before = leaderDigest();

      http.write("PUT /set HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (MAX_BODY_BYTES + 1) + "\r\n\r\n");
      RawHttp.Response response = http.readResponse();

      assertThat(response.status()).isEqualTo(413);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.path("error").isTextual()).as(response.text()).isTrue();
      assertThat(body.path("code").asText()).isEqualTo("body_too_large");
      assertThat(leaderDigest()).isEqualTo(before);
    }
  }

  // ---- helpers ----

  private Reply putJson(String path, String json) {
    return rest.put(follower(), path, json);
  }

  /** A request sent as written, over a plain socket, answered as a {@link Reply}. */
  private Reply raw(String method, String target, String json) {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    try (RawHttp http = new RawHttp(follower(), Duration.ofSeconds(10))) {
      http.write(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
      http.write(body);
      RawHttp.Response response = http.readResponse();
      Map<String, List<String>> headers = new TreeMap<>();
      response.headers().forEach((name, value) -> headers.put(name, List.of(value)));
      return new Reply(response.status(), HttpHeaders.of(headers, (name, value) -> true),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends a bad request and checks its status, that its body is the JSON error model with the
   * code, and that the replicated state did not change: had the request been applied, the
   * leader would have applied it before the answer came back.
   */
  private Reply assertRefused(Supplier<Reply> request, int status, String code) {
    ByteString digestBefore = leaderDigest();
    long revisionBefore = revision();

    Reply reply = request.get();

    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    JsonNode error = reply.json().path("error");
    assertThat(error.path("code").asText()).as(reply.text()).isEqualTo(code);
    assertThat(error.path("message").asText()).as(reply.text()).isNotBlank();
    assertThat(leaderDigest()).as("state after " + reply.text()).isEqualTo(digestBefore);
    assertThat(revision()).isEqualTo(revisionBefore);
    return reply;
  }

  /** The leader's digest: a write it accepted is applied there before the client hears. */
  private static ByteString leaderDigest() {
    return leader().stateMachine().digest().getSha256();
  }

  private long revision() {
    return rest.get(leader(), "/v1/stats").json().path("revision").asLong();
  }

  private static PensieveNode leader() {
    return cluster.nodes().stream().filter(node -> node.raft().isLeader()).findFirst()
        .orElseGet(cluster::awaitLeader);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
