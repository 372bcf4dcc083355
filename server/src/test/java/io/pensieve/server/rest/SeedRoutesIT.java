package io.pensieve.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.RestClient.Reply;
import io.pensieve.server.cluster.TestCluster;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The routes of the four seed READMEs (Pensieve, Mini Redis, Key-Value-Cache, kv-store) answer
 * with the statuses and JSON fields those READMEs document, on a real three-node cluster, and
 * what they write is the same data the canonical API serves.
 */
class SeedRoutesIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);
  final RestClient rest = new RestClient();

  // ---- Pensieve ----

  @Test
  void pensievePutThenGetAnswersValWithMiniRedisKeyAndValueBeside() {
    PensieveNode node = cluster.follower();

    Reply put = rest.post(node, "/put", "{\"key\":\"foo\",\"val\":\"bar\"}");
    Reply get = rest.get(node, "/get/foo");

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("status").asText()).isEqualTo("ok");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().path("val").asText()).isEqualTo("bar");
    assertThat(get.json().path("key").asText()).isEqualTo("foo");
    assertThat(get.json().path("value").asText()).isEqualTo("bar");
  }

  @Test
  void getOfAMissingKeyAnswers404WithEmptyValAndMiniRedisError() {
    Reply get = rest.get(cluster.follower(), "/get/never-written");

    assertThat(get.status()).isEqualTo(404);
    assertThat(get.json().get("val").isTextual()).isTrue();
    assertThat(get.json().get("val").asText()).isEmpty();
    assertThat(get.json().path("error").asText()).isEqualTo("Key 'never-written' not found");
  }

  @Test
  void pensieveDeleteAnswersStatusOkAndRemovesTheKey() {
    PensieveNode node = cluster.follower();
    rest.post(node, "/put", "{\"key\":\"doomed\",\"val\":\"x\"}");

    Reply delete = rest.delete(node, "/delete/doomed");

    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.json().path("status").asText()).isEqualTo("ok");
    assertThat(rest.get(node, "/get/doomed").status()).isEqualTo(404);
    assertThat(rest.get(node, "/v1/kv/doomed").status()).isEqualTo(404);
  }

  // ---- Mini Redis ----

  @Test
  void miniRedisSetAnswersItsMessageAndStoresTheValue() {
    PensieveNode node = cluster.follower();

    Reply set = rest.put(node, "/set",
        "{\"key\":\"user:123\",\"value\":\"John Doe\",\"ttl\":3600}");
    Reply get = rest.get(node, "/get/user:123");

    assertThat(set.status()).isEqualTo(200);
    assertThat(set.json().path("message").asText())
        .isEqualTo("Key 'user:123' stored successfully");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().path("key").asText()).isEqualTo("user:123");
    assertThat(get.json().path("value").asText()).isEqualTo("John Doe");
  }

  @Test
  void miniRedisSetWithoutTtlStoresAKeyThatDoesNotExpire() {
    PensieveNode node = cluster.follower();

    Reply set = rest.put(node, "/set", "{\"key\":\"forever\",\"value\":\"v\"}");
    Reply canonical = rest.get(node, "/v1/kv/forever");

    assertThat(set.status()).isEqualTo(200);
    assertThat(canonical.status()).isEqualTo(200);
    assertThat(canonical.json().has("expire_at_millis")).isFalse();
  }

  @Test
  void miniRedisTtlMakesTheKeyExpire() {
    PensieveNode node = cluster.follower();

    Reply set = rest.put(node, "/set", "{\"key\":\"session:abc\",\"value\":\"data\",\"ttl\":1}");
    Reply canonical = rest.get(node, "/v1/kv/session:abc");

    assertThat(set.status()).isEqualTo(200);
    assertThat(canonical.json().path("expire_at_millis").asLong())
        .isGreaterThan(System.currentTimeMillis() - 1_000)
        .isLessThanOrEqualTo(System.currentTimeMillis() + 1_000);
    await("session:abc expires").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rest.get(node, "/get/session:abc").status(), status -> status == 404);
    assertThat(rest.get(node, "/v1/kv/session:abc").status()).isEqualTo(404);
  }

  @Test
  void miniRedisDelAnswersItsMessageThen404WithItsErrorShape() {
    PensieveNode node = cluster.follower();
    rest.put(node, "/set", "{\"key\":\"k\",\"value\":\"v\"}");

    Reply first = rest.delete(node, "/del/k");
    Reply second = rest.delete(node, "/del/k");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().path("message").asText()).isEqualTo("Key 'k' deleted successfully");
    assertThat(second.status()).isEqualTo(404);
    assertThat(second.json().path("error").isTextual()).isTrue();
    assertThat(second.json().path("error").asText()).isEqualTo("Key 'k' not found");
  }

  @Test
  void miniRedisStatsCountsThisNodesHitsAndMissesAndTheEntries() {
    PensieveNode node = cluster.awaitLeader();
    rest.put(node, "/set", "{\"key\":\"counted\",\"value\":\"v\"}");
    JsonNode before = rest.get(node, "/stats").json();

    rest.get(node, "/get/counted");
    rest.get(node, "/get/counted");
    rest.get(node, "/get/not-counted");
    Reply after = rest.get(node, "/stats");

    assertThat(after.status()).isEqualTo(200);
    JsonNode stats = after.json();
    for (String field : List.of("hits", "misses", "evictions", "total_entries", "expirations",
        "bytes")) {
      assertThat(stats.get(field)).as(field).isNotNull();
      assertThat(stats.get(field).isIntegralNumber()).as(field + " is a whole number").isTrue();
    }
    assertThat(stats.get("hit_rate").isNumber()).isTrue();
    assertThat(stats.get("hits").asLong()).isEqualTo(before.get("hits").asLong() + 2);
    assertThat(stats.get("misses").asLong()).isEqualTo(before.get("misses").asLong() + 1);
    assertThat(stats.get("hit_rate").asDouble()).isEqualTo((double) stats.get("hits").asLong()
        / (stats.get("hits").asLong() + stats.get("misses").asLong()));
    assertThat(stats.get("total_entries").asLong()).isEqualTo(
        rest.get(node, "/v1/stats").json().get("total_entries").asLong()).isPositive();
    assertThat(stats.get("bytes").asLong()).isPositive();
  }

  @Test
  void miniRedisHealthAnswersHealthyWithAnIsoTimestamp() {
    Instant before = Instant.now();

    Reply health = rest.get(cluster.follower(), "/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("healthy");
    Instant stamp = Instant.parse(health.json().path("timestamp").asText());
    assertThat(stamp).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
  }

  // ---- Key-Value-Cache ----

  @Test
  void keyValueCachePutAndGetByQueryAnswerTheirShapes() {
    PensieveNode node = cluster.follower();

    Reply put = rest.post(node, "/put", "{\"key\":\"user:1234\",\"value\":\"John Doe\"}");
    Reply get = rest.get(node, "/get?key=user:1234");

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("status").asText()).isEqualTo("OK");
    assertThat(put.json().path("message").asText()).isEqualTo("Key inserted/updated successfully.");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().path("status").asText()).isEqualTo("OK");
    assertThat(get.json().path("key").asText()).isEqualTo("user:1234");
    assertThat(get.json().path("value").asText()).isEqualTo("John Doe");
    assertThat(get.json().path("message").asText()).isEqualTo("Key retrieved successfully.");
  }

  @Test
  void keyValueCacheGetOfAMissingKeyAnswers404WithItsErrorShape() {
    Reply get = rest.get(cluster.follower(), "/get?key=nobody");

    assertThat(get.status()).isEqualTo(404);
    assertThat(get.json().path("status").asText()).isEqualTo("ERROR");
    assertThat(get.json().path("message").asText()).isEqualTo("Key not found.");
  }

  @Test
  void keyValueCacheQueryKeyIsPercentDecoded() {
    PensieveNode node = cluster.follower();
    rest.post(node, "/put", "{\"key\":\"a b&c\u00e9\",\"value\":\"spaced\"}");

    Reply get = rest.get(node, "/get?key=a%20b%26c%C3%A9");

    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().path("key").asText()).isEqualTo("a b&c\u00e9");
    assertThat(get.json().path("value").asText()).isEqualTo("spaced");
  }

  // ---- kv-store ----

  @Test
  void kvStoreLoginAnswersATokenBecauseAuthIsOff() {
    Reply login = rest.post(cluster.follower(), "/login", "{\"email\":\"user@example.com\"}");

    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().has("token")).isTrue();
    assertThat(login.json().get("token").isTextual()).isTrue();
  }

  @Test
  void kvStoreSetGetDeleteAnswerStatusSuccess() {
    PensieveNode node = cluster.follower();

    Reply set = rest.post(node, "/set-value", "{\"key\":\"foo\",\"value\":\"bar\"}");
    Reply get = rest.post(node, "/get-value", "{\"key\":\"foo\"}");
    Reply delete = rest.post(node, "/delete-value", "{\"key\":\"foo\"}");
    Reply afterDelete = rest.post(node, "/get-value", "{\"key\":\"foo\"}");

    assertThat(set.status()).isEqualTo(200);
    assertThat(set.json().path("status").asText()).isEqualTo("Success");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().path("status").asText()).isEqualTo("Success");
    assertThat(get.json().path("value").asText()).isEqualTo("bar");
    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.json().path("status").asText()).isEqualTo("Success");
    assertThat(afterDelete.status()).isEqualTo(404);
    assertThat(afterDelete.json().path("status").asText()).isEqualTo("Error");
  }

  @Test
  void kvStoreRoutesIgnoreABearerToken() {
    PensieveNode node = cluster.follower();
    String token = rest.post(node, "/login", "{}").json().path("token").asText();

    Reply set = rest.send(HttpRequest.newBuilder(RestClient.uri(node, "/set-value"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"key\":\"authed\",\"value\":\"yes\"}"))
        .build());

    assertThat(set.status()).isEqualTo(200);
    assertThat(rest.post(node, "/get-value", "{\"key\":\"authed\"}").json().path("value")
        .asText()).isEqualTo("yes");
  }

  // ---- one store behind every route ----

  @Test
  void aValueWrittenThroughEverySeedRouteIsReadableCanonicallyOnAnotherNode() {
    List<PensieveNode> followers = cluster.followers();
    PensieveNode writer = followers.get(0);
    PensieveNode reader = followers.get(1);

    rest.post(writer, "/put", "{\"key\":\"via-pensieve\",\"val\":\"1\"}");
    rest.put(writer, "/set", "{\"key\":\"via-mini-redis\",\"value\":\"2\"}");
    rest.post(writer, "/put", "{\"key\":\"via-kv-cache\",\"value\":\"3\"}");
    rest.post(writer, "/set-value", "{\"key\":\"via-kv-store\",\"value\":\"4\"}");

    assertThat(rest.get(reader, "/v1/kv/via-pensieve").json().path("value").asText())
        .isEqualTo("1");
    assertThat(rest.get(reader, "/v1/kv/via-mini-redis").json().path("value").asText())
        .isEqualTo("2");
    assertThat(rest.get(reader, "/v1/kv/via-kv-cache").json().path("value").asText())
        .isEqualTo("3");
    assertThat(rest.get(reader, "/v1/kv/via-kv-store").json().path("value").asText())
        .isEqualTo("4");
  }

  @Test
  void aValueWrittenCanonicallyIsReadableThroughEverySeedGet() {
    List<PensieveNode> followers = cluster.followers();
    rest.put(followers.get(0), "/v1/kv/shared", "{\"value\":\"same\"}");
    PensieveNode reader = followers.get(1);

    assertThat(rest.get(reader, "/get/shared").json().path("val").asText()).isEqualTo("same");
    assertThat(rest.get(reader, "/get?key=shared").json().path("value").asText())
        .isEqualTo("same");
    assertThat(rest.post(reader, "/get-value", "{\"key\":\"shared\"}").json().path("value")
        .asText()).isEqualTo("same");
  }

  // ---- errors ----

  @Test
  void aMalformedSeedBodyAnswers400InTheSeedErrorShape() {
    Reply set = rest.put(cluster.follower(), "/set", "{\"key\":\"k\",\"value\":");

    assertSeedError(set, 400, "invalid_argument");
  }

  @Test
  void aSeedBodyMissingItsValueAnswers400InTheSeedErrorShape() {
    PensieveNode node = cluster.follower();

    assertSeedError(rest.post(node, "/put", "{\"key\":\"k\"}"), 400, "invalid_argument");
    assertSeedError(rest.post(node, "/set-value", "{\"value\":\"v\"}"), 400, "invalid_argument");
    assertSeedError(rest.put(node, "/set", "{\"key\":\"k\",\"value\":\"v\",\"ttl\":-1}"), 400,
        "invalid_argument");
  }

  @Test
  void aSeedGetWithoutItsQueryKeyAnswers400InTheSeedErrorShape() {
    assertSeedError(rest.get(cluster.follower(), "/get"), 400, "invalid_argument");
  }

  @Test
  void aSeedPathKeyThatIsNotUtf8Answers400InTheSeedErrorShape() {
    assertSeedError(rest.get(cluster.follower(), "/get/%FF"), 400, "invalid_argument");
  }

  @Test
  void aSeedRouteCalledWithTheWrongMethodAnswers405WithAllow() {
    Reply reply = rest.send(cluster.follower(), "POST", "/get/foo", "{}");

    assertSeedError(reply, 405, "method_not_allowed");
    assertThat(reply.headers().firstValue("Allow")).hasValue("GET");
  }

  private static void assertSeedError(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    JsonNode body = reply.json();
    assertThat(body.path("error").isTextual()).as(reply.text()).isTrue();
    assertThat(body.path("error").asText()).isNotBlank();
    assertThat(body.path("code").asText()).as(reply.text()).isEqualTo(code);
  }
}
