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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The canonical REST API, {@code /v1/kv/{key}} and the cluster routes, on a real three-node
 * cluster: versions, TTLs, conditional writes, raw bytes, encoded keys and the cluster's shape.
 */
class CanonicalRoutesIT {
  private static final String OCTET_STREAM = "application/octet-stream";

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);
  final RestClient rest = new RestClient();

  // ---- put, get, delete ----

  @Test
  void aCreateGivesVersionEqualToCreateRevisionAndAnUpdateKeepsCreateRevision() {
    List<PensieveNode> followers = cluster.followers();

    JsonNode created = rest.put(followers.get(0), "/v1/kv/versioned", "{\"value\":\"one\"}")
        .json();
    JsonNode updated = rest.put(followers.get(1), "/v1/kv/versioned", "{\"value\":\"two\"}")
        .json();
    Reply read = rest.get(followers.get(0), "/v1/kv/versioned");

    assertThat(created.path("key").asText()).isEqualTo("versioned");
    assertThat(created.path("version").asLong()).isPositive()
        .isEqualTo(created.path("create_revision").asLong());
    assertThat(updated.path("version").asLong()).isGreaterThan(created.path("version").asLong());
    assertThat(updated.path("create_revision").asLong())
        .isEqualTo(created.path("create_revision").asLong());
    assertThat(read.status()).isEqualTo(200);
    JsonNode kv = read.json();
    assertThat(kv.path("key").asText()).isEqualTo("versioned");
    assertThat(kv.path("value").asText()).isEqualTo("two");
    assertThat(kv.path("version").asLong()).isEqualTo(updated.path("version").asLong());
    assertThat(kv.path("create_revision").asLong())
        .isEqualTo(created.path("create_revision").asLong());
    assertThat(kv.path("applied_index").asLong()).isPositive();
    assertThat(kv.has("expire_at_millis")).isFalse();
  }

  @Test
  void aDeleteAnswersItsRevisionThenTheKeyIsGone() {
    PensieveNode node = cluster.follower();
    long version = rest.put(node, "/v1/kv/gone", "{\"value\":\"x\"}").json().path("version")
        .asLong();

    Reply delete = rest.delete(node, "/v1/kv/gone");
    Reply get = rest.get(node, "/v1/kv/gone");
    Reply again = rest.delete(node, "/v1/kv/gone");

    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.json().path("key").asText()).isEqualTo("gone");
    assertThat(delete.json().path("deleted").asBoolean()).isTrue();
    assertThat(delete.json().path("revision").asLong()).isGreaterThan(version);
    assertError(get, 404, "not_found");
    assertError(again, 404, "not_found");
  }

  @Test
  void aRecreatedKeyStartsANewCreateRevision() {
    PensieveNode node = cluster.follower();
    long first = rest.put(node, "/v1/kv/reborn", "{\"value\":\"a\"}").json()
        .path("create_revision").asLong();
    rest.delete(node, "/v1/kv/reborn");

    JsonNode second = rest.put(node, "/v1/kv/reborn", "{\"value\":\"b\"}").json();

    assertThat(second.path("create_revision").asLong()).isGreaterThan(first)
        .isEqualTo(second.path("version").asLong());
  }

  @Test
  void ttlSecondsMakesTheKeyExpire() {
    PensieveNode node = cluster.follower();
    long before = System.currentTimeMillis();

    Reply put = rest.put(node, "/v1/kv/short-lived", "{\"value\":\"x\",\"ttl_seconds\":1}");
    Reply get = rest.get(node, "/v1/kv/short-lived");

    assertThat(put.status()).isEqualTo(200);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().path("expire_at_millis").asLong())
        .isBetween(before + 1_000 - 500, System.currentTimeMillis() + 1_000);
    await("short-lived expires").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rest.get(node, "/v1/kv/short-lived").status(), status -> status == 404);
  }

  @Test
  void ttlSecondsAsAQueryParameterAppliesToARawPut() {
    PensieveNode node = cluster.follower();

    Reply put = rest.send(HttpRequest.newBuilder(
            RestClient.uri(node, "/v1/kv/raw-short-lived?ttl_seconds=1"))
        .header("Content-Type", OCTET_STREAM)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}))
        .build());

    assertThat(put.status()).isEqualTo(200);
    await("raw-short-lived expires").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rest.get(node, "/v1/kv/raw-short-lived").status(), status -> status == 404);
  }

  // ---- conditions ----

  @Test
  void ifVersionSucceedsOnTheCurrentVersionAndAnswers409WithTheCurrentKeyOtherwise() {
    PensieveNode node = cluster.follower();
    long v1 = rest.put(node, "/v1/kv/cas-version", "{\"value\":\"a\"}").json().path("version")
        .asLong();

    Reply swapped = rest.put(node, "/v1/kv/cas-version",
        "{\"value\":\"b\",\"if_version\":" + v1 + "}");
    Reply stale = rest.put(node, "/v1/kv/cas-version",
        "{\"value\":\"c\",\"if_version\":" + v1 + "}");

    assertThat(swapped.status()).isEqualTo(200);
    long v2 = swapped.json().path("version").asLong();
    assertThat(v2).isGreaterThan(v1);
    assertError(stale, 409, "compare_failed");
    JsonNode current = stale.json().path("error").path("current");
    assertThat(current.path("key").asText()).isEqualTo("cas-version");
    assertThat(current.path("value").asText()).isEqualTo("b");
    assertThat(current.path("version").asLong()).isEqualTo(v2);
    assertThat(rest.get(node, "/v1/kv/cas-version").json().path("value").asText())
        .isEqualTo("b");
  }

  @Test
  void ifVersionOnAMissingKeyAnswers409WithoutCurrent() {
    Reply reply = rest.put(cluster.follower(), "/v1/kv/cas-missing", "{\"value\":\"a\",\"if_version\":1}");

    assertError(reply, 409, "compare_failed");
    assertThat(reply.json().path("error").has("current")).isFalse();
    assertThat(rest.get(cluster.follower(), "/v1/kv/cas-missing").status()).isEqualTo(404);
  }

  @Test
  void ifValueSucceedsOnTheCurrentValueAndAnswers409WithTheCurrentKeyOtherwise() {
    PensieveNode node = cluster.follower();
    rest.put(node, "/v1/kv/cas-value", "{\"value\":\"red\"}");

    Reply swapped = rest.put(node, "/v1/kv/cas-value",
        "{\"value\":\"green\",\"if_value\":\"red\"}");
    Reply refused = rest.put(node, "/v1/kv/cas-value",
        "{\"value\":\"blue\",\"if_value\":\"red\"}");

    assertThat(swapped.status()).isEqualTo(200);
    assertError(refused, 409, "compare_failed");
    assertThat(refused.json().path("error").path("current").path("value").asText())
        .isEqualTo("green");
    assertThat(refused.json().path("error").path("current").path("version").asLong())
        .isEqualTo(swapped.json().path("version").asLong());
    assertThat(rest.get(node, "/v1/kv/cas-value").json().path("value").asText())
        .isEqualTo("green");
  }

  @Test
  void ifAbsentCreatesOnceThenAnswers409WithTheCurrentKey() {
    PensieveNode node = cluster.follower();

    Reply created = rest.put(node, "/v1/kv/cas-absent", "{\"value\":\"first\",\"if_absent\":true}");
    Reply refused = rest.put(node, "/v1/kv/cas-absent",
        "{\"value\":\"second\",\"if_absent\":true}");

    assertThat(created.status()).isEqualTo(200);
    assertThat(created.json().path("version").asLong())
        .isEqualTo(created.json().path("create_revision").asLong());
    assertError(refused, 409, "compare_failed");
    assertThat(refused.json().path("error").path("current").path("value").asText())
        .isEqualTo("first");
    assertThat(rest.get(node, "/v1/kv/cas-absent").json().path("value").asText())
        .isEqualTo("first");
  }

  @Test
  void aConditionalDeleteAnswers409WithTheCurrentKeyWhenItsVersionIsStale() {
    PensieveNode node = cluster.follower();
    long v1 = rest.put(node, "/v1/kv/cas-delete", "{\"value\":\"a\"}").json().path("version")
        .asLong();
    long v2 = rest.put(node, "/v1/kv/cas-delete", "{\"value\":\"b\"}").json().path("version")
        .asLong();

    Reply refused = rest.delete(node, "/v1/kv/cas-delete?if_version=" + v1);
    Reply deleted = rest.delete(node, "/v1/kv/cas-delete?if_version=" + v2);

    assertError(refused, 409, "compare_failed");
    assertThat(refused.json().path("error").path("current").path("version").asLong())
        .isEqualTo(v2);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
    assertThat(rest.get(node, "/v1/kv/cas-delete").status()).isEqualTo(404);
  }

  // ---- prev_kv ----

  @Test
  void prevKvReturnsTheOverwrittenAndTheDeletedKey() {
    PensieveNode node = cluster.follower();
    long v1 = rest.put(node, "/v1/kv/with-prev", "{\"value\":\"old\"}").json().path("version")
        .asLong();

    Reply put = rest.put(node, "/v1/kv/with-prev", "{\"value\":\"new\",\"prev_kv\":true}");
    Reply delete = rest.delete(node, "/v1/kv/with-prev?prev_kv=true");
    Reply withoutFlag = rest.put(node, "/v1/kv/with-prev", "{\"value\":\"again\"}");

    assertThat(put.status()).isEqualTo(200);
    JsonNode prev = put.json().path("prev_kv");
    assertThat(prev.path("key").asText()).isEqualTo("with-prev");
    assertThat(prev.path("value").asText()).isEqualTo("old");
    assertThat(prev.path("version").asLong()).isEqualTo(v1);
    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.json().path("prev_kv").path("value").asText()).isEqualTo("new");
    assertThat(delete.json().path("prev_kv").path("version").asLong())
        .isEqualTo(put.json().path("version").asLong());
    assertThat(withoutFlag.json().has("prev_kv")).isFalse();
  }

  @Test
  void prevKvOfACreateIsAbsent() {
    Reply put = rest.put(cluster.follower(), "/v1/kv/fresh-prev", "{\"value\":\"v\",\"prev_kv\":true}");

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().has("prev_kv")).isFalse();
  }

  // ---- consistency ----

  @Test
  void aStaleReadAnswersTheValueWithTheAppliedIndexItReflects() {
    List<PensieveNode> followers = cluster.followers();
    rest.put(followers.get(0), "/v1/kv/stale-read", "{\"value\":\"v\"}");
    PensieveNode reader = followers.get(1);

    Reply stale = await("the follower applies the write").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> rest.get(reader, "/v1/kv/stale-read?consistency=stale"),
            reply -> reply.status() == 200);

    assertThat(stale.json().path("value").asText()).isEqualTo("v");
    long appliedIndex = stale.json().path("applied_index").asLong();
    assertThat(appliedIndex).isPositive()
        .isLessThanOrEqualTo(reader.stateMachine().digest().getAppliedIndex());
    assertThat(stale.headers().firstValue("X-Pensieve-Applied-Index"))
        .hasValue(String.valueOf(appliedIndex));
    assertThat(rest.get(reader, "/v1/kv/stale-read?consistency=linearizable").json()
        .path("value").asText()).isEqualTo("v");
  }

  // ---- raw bytes ----

  @Test
  void rawBytesRoundTripThroughOctetStream() {
    List<PensieveNode> followers = cluster.followers();
    byte[] value = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, (byte) 0xFE, 0x0A, 0x7F};

    Reply put = rest.send(HttpRequest.newBuilder(RestClient.uri(followers.get(0), "/v1/kv/raw"))
        .header("Content-Type", OCTET_STREAM)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
        .build());
    Reply raw = rest.send(HttpRequest.newBuilder(RestClient.uri(followers.get(1), "/v1/kv/raw"))
        .header("Accept", OCTET_STREAM)
        .GET()
        .build());
    Reply json = rest.get(followers.get(1), "/v1/kv/raw");

    assertThat(put.status()).isEqualTo(200);
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith(OCTET_STREAM));
    assertThat(raw.body()).containsExactly(value);
    assertThat(raw.headers().firstValue("X-Pensieve-Version"))
        .hasValue(String.valueOf(put.json().path("version").asLong()));
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.json().has("value")).isFalse();
    assertThat(Base64.getDecoder().decode(json.json().path("value_base64").asText()))
        .containsExactly(value);
  }

  @Test
  void anEmptyRawValueIsStoredAndReadBackEmpty() {
    PensieveNode node = cluster.follower();

    Reply put = rest.send(HttpRequest.newBuilder(RestClient.uri(node, "/v1/kv/raw-empty"))
        .header("Content-Type", OCTET_STREAM)
        .PUT(HttpRequest.BodyPublishers.noBody())
        .build());
    Reply json = rest.get(node, "/v1/kv/raw-empty");

    assertThat(put.status()).isEqualTo(200);
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.json().path("value").isTextual()).isTrue();
    assertThat(json.json().path("value").asText()).isEmpty();
  }

  @Test
  void aUtf8ValueWrittenAsJsonIsReadBackRawAsItsUtf8Bytes() {
    PensieveNode node = cluster.follower();
    rest.put(node, "/v1/kv/text", "{\"value\":\"h\u00e9llo \u2603\"}");

    Reply raw = rest.send(HttpRequest.newBuilder(RestClient.uri(node, "/v1/kv/text"))
        .header("Accept", OCTET_STREAM).GET().build());

    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).containsExactly(
        "h\u00e9llo \u2603".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  // ---- keys ----

  @Test
  void aKeyWithEncodedSlashesIsOneKeyThatContainsThem() {
    List<PensieveNode> followers = cluster.followers();

    Reply put = rest.put(followers.get(0), "/v1/kv/users%2F42%2Fname", "{\"value\":\"Ada\"}");
    Reply get = rest.get(followers.get(1), "/v1/kv/users%2F42%2Fname");

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("key").asText()).isEqualTo("users/42/name");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().path("key").asText()).isEqualTo("users/42/name");
    assertThat(get.json().path("value").asText()).isEqualTo("Ada");
    assertThat(rest.get(followers.get(1), "/get/users%2F42%2Fname").json().path("val").asText())
        .isEqualTo("Ada");
  }

  @Test
  void aPercentEncodedUtf8KeyIsDecodedToItsText() {
    PensieveNode node = cluster.follower();

    Reply put = rest.put(node, "/v1/kv/caf%C3%A9%20%E2%98%83", "{\"value\":\"warm\"}");
    Reply get = rest.get(node, "/v1/kv/caf%C3%A9%20%E2%98%83");

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("key").asText()).isEqualTo("caf\u00e9 \u2603");
    assertThat(get.json().path("value").asText()).isEqualTo("warm");
  }

  // ---- cluster routes ----

  @Test
  void clusterAnswersTheLeaderTermAndEveryMembersAddresses() {
    PensieveNode leader = cluster.awaitLeader();
    // each node advertises its REST address through the log shortly after it joins
    JsonNode body = await("every member's rest_address is known").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rest.get(cluster.follower(), "/v1/cluster").json(), json -> {
          for (JsonNode member : json.path("members")) {
            if (member.path("rest_address").asText().isEmpty()) {
              return false;
            }
          }
          return json.path("members").size() == 3;
        });

    assertThat(body.path("leader").asText()).isEqualTo(leader.info().id());
    assertThat(body.path("term").asLong()).isPositive();
    List<String> leaders = new ArrayList<>();
    for (JsonNode member : body.path("members")) {
      String id = member.path("id").asText();
      PensieveNode node = cluster.node(id);
      if (member.path("role").asText().equals("LEADER")) {
        leaders.add(id);
      } else {
        assertThat(member.path("role").asText()).isEqualTo("FOLLOWER");
      }
      assertThat(member.path("rest_address").asText()).isEqualTo("127.0.0.1:" + node.restPort());
      assertThat(member.path("grpc_address").asText()).isEqualTo("127.0.0.1:" + node.grpcPort());
      assertThat(member.path("raft_address").asText()).isEqualTo("127.0.0.1:" + node.raftPort());
    }
    assertThat(leaders).containsExactly(leader.info().id());
  }

  @Test
  void statsAnswersTheCountersRevisionAndSettings() {
    PensieveNode node = cluster.awaitLeader();
    JsonNode before = rest.get(node, "/v1/stats").json();

    long version = rest.put(node, "/v1/kv/stats-probe", "{\"value\":\"12345\"}").json()
        .path("version").asLong();
    rest.get(node, "/v1/kv/stats-probe");
    rest.get(node, "/v1/kv/stats-missing");
    Reply after = rest.get(node, "/v1/stats");

    assertThat(after.status()).isEqualTo(200);
    JsonNode stats = after.json();
    assertThat(stats.path("node_id").asText()).isEqualTo(node.info().id());
    assertThat(stats.path("revision").asLong()).isGreaterThanOrEqualTo(version)
        .isGreaterThan(before.path("revision").asLong());
    assertThat(stats.path("applied_index").asLong())
        .isGreaterThan(before.path("applied_index").asLong());
    assertThat(stats.path("hits").asLong()).isEqualTo(before.path("hits").asLong() + 1);
    assertThat(stats.path("misses").asLong()).isEqualTo(before.path("misses").asLong() + 1);
    assertThat(stats.path("hit_rate").isNumber()).isTrue();
    assertThat(stats.path("total_entries").asLong()).isPositive();
    assertThat(stats.path("bytes").asLong()).isPositive();
    assertThat(stats.path("evictions").isIntegralNumber()).isTrue();
    assertThat(stats.path("expirations").isIntegralNumber()).isTrue();
    JsonNode settings = stats.path("settings");
    assertThat(settings.path("max_key_bytes").asInt()).isEqualTo(1024);
    assertThat(settings.path("max_value_bytes").asInt()).isEqualTo(1024 * 1024);
    assertThat(settings.path("eviction_policy").asText()).isEqualTo("lru");
    assertThat(settings.has("max_entries")).isTrue();
    assertThat(settings.has("max_bytes")).isTrue();
    assertThat(settings.has("default_ttl_seconds")).isTrue();
  }

  @Test
  void readyAnswers200WithTheLeaderOnEveryNode() {
    String leader = cluster.awaitLeader().info().id();

    for (PensieveNode node : cluster.nodes()) {
      Reply ready = await(node.info().id() + " is ready").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> rest.get(node, "/ready"), reply -> reply.status() == 200);
      assertThat(ready.json().path("ready").asBoolean()).isTrue();
      assertThat(ready.json().path("leader").asText()).isEqualTo(leader);
      assertThat(ready.json().path("applied_index").asLong())
          .isGreaterThanOrEqualTo(ready.json().path("commit_index").asLong());
    }
  }

  @Test
  void nodeAnswersThisNodesIdAndAddresses() {
    for (PensieveNode node : cluster.nodes()) {
      Reply reply = rest.get(node, "/v1/node");

      assertThat(reply.status()).isEqualTo(200);
      JsonNode json = reply.json();
      assertThat(json.path("id").asText()).isEqualTo(node.info().id());
      assertThat(json.path("rest_address").asText()).isEqualTo("127.0.0.1:" + node.restPort());
      assertThat(json.path("grpc_address").asText()).isEqualTo("127.0.0.1:" + node.grpcPort());
      assertThat(json.path("raft_address").asText()).isEqualTo("127.0.0.1:" + node.raftPort());
    }
  }

  private static void assertError(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.json().path("error").path("code").asText()).as(reply.text())
        .isEqualTo(code);
    assertThat(reply.json().path("error").path("message").isTextual()).as(reply.text())
        .isTrue();
  }
}
