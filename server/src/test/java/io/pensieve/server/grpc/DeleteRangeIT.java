package io.pensieve.server.grpc;

import static io.pensieve.server.grpc.KvClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.api.KeyRanges;
import io.pensieve.api.RequestLimits;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.faults.Replicas;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Delete-range ({@code KV.DeleteRange}, {@code DELETE /v1/kv}) on a real 3-node cluster: one
 * revision for every key it deletes, the same state on every replica, its bound, and bad input.
 */
class DeleteRangeIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  private static DeleteRangeRequest.Builder prefix(String prefix) {
    ByteString key = utf8(prefix);
    return DeleteRangeRequest.newBuilder().setKey(key)
        .setRangeEnd(ByteString.copyFrom(KeyRanges.prefixEnd(key.toByteArray())));
  }

  /** The live entries under a prefix, linearizable, keyed by key. */
  private static Map<String, KeyValue> entries(KvClient client, String prefix) {
    ByteString key = utf8(prefix);
    Map<String, KeyValue> entries = new LinkedHashMap<>();
    client.kv().range(RangeRequest.newBuilder().setKey(key)
            .setRangeEnd(ByteString.copyFrom(KeyRanges.prefixEnd(key.toByteArray())))
            .setConsistency(Consistency.CONSISTENCY_LINEARIZABLE).build())
        .getKvsList().forEach(kv -> entries.put(kv.getKey().toStringUtf8(), kv));
    return entries;
  }

  @Test
  void aPrefixDeleteRemovesExactlyThoseKeysAtOneRevisionOnEveryReplica() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader());
        KvClient follower = KvClient.connect(cluster.follower())) {
      for (String key : List.of("gone/c", "gone/a", "gone/b", "gone0", "gond", "gone")) {
        leader.put(key, "value of " + key);
      }
      Map<String, KeyValue> before = entries(leader, "gon");

      DeleteRangeResponse deleted = follower.kv().deleteRange(prefix("gone/").build());

      assertThat(deleted.getDeleted()).isEqualTo(3);
      Map<String, KeyValue> after = entries(follower, "gon");
      assertThat(after.keySet()).containsExactly("gond", "gone", "gone0");
      // the keys around the range are untouched: same versions as before
      after.forEach((key, kv) -> assertThat(kv).isEqualTo(before.get(key)));
      long lastWrite = before.values().stream().mapToLong(KeyValue::getVersion).max()
          .orElseThrow();
      assertThat(deleted.getRevision()).isEqualTo(lastWrite + 1);
      // all three at that one revision: the next write takes the revision after it
      assertThat(leader.put("gone-next", "v").getVersion()).isEqualTo(deleted.getRevision() + 1);

      Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    }
  }

  @Test
  void prevKvReturnsTheDeletedEntriesInKeyOrder() {
    try (KvClient client = KvClient.connect(cluster.follower())) {
      for (String key : List.of("prev/z", "prev/m", "prev/a")) {
        client.put(key, "value of " + key);
      }

      DeleteRangeResponse deleted = client.kv().deleteRange(between("prev/a", "prev/n")
          .setPrevKv(true).build());

      assertThat(deleted.getDeleted()).isEqualTo(2);
      assertThat(deleted.getPrevKvsList()).extracting(kv -> kv.getKey().toStringUtf8())
          .containsExactly("prev/a", "prev/m");
      assertThat(deleted.getPrevKvsList()).extracting(kv -> kv.getValue().toStringUtf8())
          .containsExactly("value of prev/a", "value of prev/m");
      assertThat(entries(client, "prev/").keySet()).containsExactly("prev/z");
    }
  }

  @Test
  void aRangeOverTheBoundIsRefusedAndNothingIsDeleted() {
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i <= RequestLimits.DEFAULT_DELETE_RANGE_KEYS; i++) {
      many.put(String.format("many/%05d", i), "v");
    }
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      client.putAll(many);

      refused(client, prefix("many/"), String.valueOf(RequestLimits.DEFAULT_DELETE_RANGE_KEYS));
      RestClient.Reply overRest = new RestClient().delete(cluster.follower(),
          "/v1/kv?prefix=many/");
      assertThat(overRest.status()).as(overRest.text()).isEqualTo(400);
      assertThat(overRest.json().path("error").path("code").asText())
          .isEqualTo("invalid_argument");

      assertThat(client.kv().range(RangeRequest.newBuilder().setKey(utf8("many/"))
          .setRangeEnd(utf8("many0")).setCountOnly(true).build()).getCount())
          .isEqualTo(RequestLimits.DEFAULT_DELETE_RANGE_KEYS + 1L);
      // within the bound the same range goes in two commands
      assertThat(client.kv().deleteRange(between("many/", "many/00001").build())
          .getDeleted()).isEqualTo(1);
      assertThat(client.kv().deleteRange(prefix("many/").build()).getDeleted())
          .isEqualTo(RequestLimits.DEFAULT_DELETE_RANGE_KEYS);
    }
  }

  @Test
  void badRangesAreRefusedAndTheStoreIsUnchanged() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      client.put("bad/a", "v");
      Map<String, KeyValue> before = entries(client, "bad/");

      refused(client, between("b", "a"), "range_end must come after key");
      refused(client, between("bad/a", "bad/a"), "range_end must come after key");
      refused(client, DeleteRangeRequest.newBuilder(), "the key must not be empty");

      RestClient rest = new RestClient();
      for (String bad : List.of("/v1/kv", "/v1/kv?key=bad/b&range_end=bad/a",
          "/v1/kv?prefix=bad/&key=bad/a")) {
        RestClient.Reply reply = rest.delete(cluster.follower(), bad);
        assertThat(reply.status()).as(bad + ": " + reply.text()).isEqualTo(400);
        assertThat(reply.json().path("error").path("code").asText()).as(bad)
            .isEqualTo("invalid_argument");
      }
      assertThat(entries(client, "bad/")).isEqualTo(before);
    }
  }

  @Test
  void overRestAPrefixWithItsPreviousEntries() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      for (String key : List.of("web/b", "web/a", "web0")) {
        client.put(key, "v");
      }
    }
    RestClient rest = new RestClient();

    RestClient.Reply reply = rest.delete(cluster.follower(), "/v1/kv?prefix=web/&prev_kv");

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode json = reply.json();
    assertThat(json.path("deleted").asLong()).isEqualTo(2);
    assertThat(json.path("revision").asLong()).isPositive();
    assertThat(json.path("prev_kvs").findValuesAsText("key")).containsExactly("web/a", "web/b");
    JsonNode again = rest.delete(cluster.follower(), "/v1/kv?key=web/&range_end=web1").json();
    assertThat(again.path("deleted").asLong()).isEqualTo(1);
    assertThat(again.has("prev_kvs")).isFalse();
  }

  private static void refused(KvClient client, DeleteRangeRequest.Builder request,
      String message) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client.kv().deleteRange(request.build()));
    assertThat(e).as(request.toString()).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains(message);
    assertThat(ErrorTrailer.code(e)).hasValue("invalid_argument");
  }

  private static DeleteRangeRequest.Builder between(String key, String rangeEnd) {
    return DeleteRangeRequest.newBuilder().setKey(utf8(key)).setRangeEnd(utf8(rangeEnd));
  }
}
