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
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
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
 * Transactions ({@code KV.Txn}, {@code POST /v1/txn}) on a real 3-node cluster: one revision
 * for all their writes, the same state on every replica, the branch the compares choose, one
 * result per op, and bad input refused with nothing changed.
 */
class TxnIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  @Test
  void aTransactionsWritesAppearOnEveryReplicaAtOneRevision() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader());
        KvClient follower = KvClient.connect(cluster.follower())) {
      long from = leader.put("bank/alice", "100").getVersion();
      leader.put("bank/bob", "50");

      TxnResponse transfer = follower.kv().txn(TxnRequest.newBuilder()
          .addCompares(Compare.newBuilder().setKey(utf8("bank/alice"))
              .setOp(CompareOp.COMPARE_OP_EQUAL).setVersion(from))
          .addSuccess(put("bank/alice", "70"))
          .addSuccess(put("bank/bob", "80"))
          .addSuccess(put("bank/log/1", "alice->bob 30"))
          .addSuccess(TxnOp.newBuilder().setRange(RangeRequest.newBuilder()
              .setKey(utf8("bank/")).setRangeEnd(utf8("bank0"))))
          .build());

      assertThat(transfer.getSucceeded()).isTrue();
      assertThat(transfer.getResultsList()).hasSize(4);
      long revision = transfer.getRevision();
      for (int i = 0; i < 3; i++) {
        assertThat(transfer.getResults(i).getPut().getVersion()).isEqualTo(revision);
      }
      assertThat(transfer.getResults(3).getRange().getKvsList())
          .extracting(kv -> kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8())
          .containsExactly("bank/alice=70", "bank/bob=80", "bank/log/1=alice->bob 30");
      Replicas.awaitSameState(cluster.nodes(), PATIENCE);
      for (var node : cluster.nodes()) {
        try (KvClient replica = KvClient.connect(node)) {
          assertThat(entries(replica, "bank/", Consistency.CONSISTENCY_STALE).values())
              .extracting(KeyValue::getVersion).containsOnly(revision);
        }
      }

      // the same transfer again: its compare no longer holds, so the failure ops apply
      TxnResponse again = leader.kv().txn(TxnRequest.newBuilder()
          .addCompares(Compare.newBuilder().setKey(utf8("bank/alice"))
              .setOp(CompareOp.COMPARE_OP_EQUAL).setVersion(from))
          .addSuccess(put("bank/alice", "40"))
          .addFailure(TxnOp.newBuilder().setGet(GetRequest.newBuilder()
              .setKey(utf8("bank/alice"))))
          .build());
      assertThat(again.getSucceeded()).isFalse();
      assertThat(again.getRevision()).isEqualTo(revision);
      assertThat(again.getResults(0).getGet().getKv().getValue()).isEqualTo(utf8("70"));
    }
  }

  @Test
  void overRestATransactionWithEveryKindOfOp() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      client.put("web/a", "1");
      client.put("web/gone/1", "x");
      client.put("web/gone/2", "y");
    }
    RestClient rest = new RestClient();

    RestClient.Reply reply = rest.post(cluster.follower(), "/v1/txn", """
        {"compares": [{"key": "web/a", "op": "=", "value": "1"},
                      {"key": "web/none", "op": "=", "exists": false}],
         "success": [{"put": {"key": "web/a", "value": "2", "prev_kv": true}},
                     {"delete_range": {"prefix": "web/gone/", "prev_kv": true}},
                     {"get": {"key": "web/a"}},
                     {"range": {"prefix": "web/", "count_only": true}}],
         "failure": [{"delete": {"key": "web/a"}}]}""");

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode json = reply.json();
    assertThat(json.path("succeeded").asBoolean()).isTrue();
    long revision = json.path("revision").asLong();
    JsonNode results = json.path("results");
    assertThat(results.get(0).path("put").path("version").asLong()).isEqualTo(revision);
    assertThat(results.get(0).path("put").path("prev_kv").path("value").asText()).isEqualTo("1");
    assertThat(results.get(1).path("delete_range").path("deleted").asLong()).isEqualTo(2);
    assertThat(results.get(1).path("delete_range").path("revision").asLong())
        .isEqualTo(revision);
    assertThat(results.get(1).path("delete_range").path("prev_kvs").findValuesAsText("key"))
        .containsExactly("web/gone/1", "web/gone/2");
    assertThat(results.get(2).path("get").path("kv").path("value").asText()).isEqualTo("2");
    assertThat(results.get(3).path("range").path("count").asLong()).isEqualTo(1);
  }

  @Test
  void badTransactionsAreRefusedOverGrpcAndRestAndTheStoreIsUnchanged() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      client.put("bad/a", "v");
      Map<String, KeyValue> before = entries(client, "bad/", Consistency.CONSISTENCY_LINEARIZABLE);

      TxnRequest.Builder tooMany = TxnRequest.newBuilder();
      StringBuilder tooManyJson = new StringBuilder("{\"success\": [");
      for (int i = 0; i < 129; i++) {
        tooMany.addSuccess(put("bad/" + i, "v"));
        tooManyJson.append(i == 0 ? "" : ", ")
            .append("{\"put\": {\"key\": \"bad/").append(i).append("\", \"value\": \"v\"}}");
      }
      tooManyJson.append("]}");
      refused(client, tooMany, "a transaction may hold at most 128 ops; this one has 129");
      refused(client, TxnRequest.newBuilder().addSuccess(put("bad/a", "1"))
          .addSuccess(TxnOp.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
              .setKey(utf8("bad/")).setRangeEnd(utf8("bad0")))),
          "success op 2 (delete_range) writes ['bad/', 'bad0'), which success op 1 (put)"
              + " writes too");
      refused(client, TxnRequest.newBuilder().addSuccess(TxnOp.getDefaultInstance()),
          "success op 1 (none): no op kind");
      refused(client, TxnRequest.newBuilder().addSuccess(put("bad/a", "1"))
          .addSuccess(TxnOp.newBuilder().setRange(RangeRequest.newBuilder()
              .setKey(utf8("bad/b")).setRangeEnd(utf8("bad/a")))),
          "success op 2 (range): range_end must come after key");

      RestClient rest = new RestClient();
      Map<String, String> bad = new LinkedHashMap<>();
      bad.put(tooManyJson.toString(), "a transaction may hold at most 128 ops; this one has 129");
      bad.put("{\"success\": [{\"incr\": {\"key\": \"bad/a\"}}]}", "success op 1: unknown op"
          + " \"incr\"");
      bad.put("{\"success\": [{\"put\": {\"key\": \"bad/a\", \"value\": \"1\"}},"
          + " {\"delete\": {\"key\": \"bad/a\"}}]}", "success op 2 (delete) writes key 'bad/a'");
      bad.put("{\"success\": [{\"range\": {\"key\": \"bad/b\", \"range_end\": \"bad/a\"}}]}",
          "range_end must come after key");
      bad.put("{\"success\": [{\"put\": {\"key\": \"bad/a\", \"value\": \"1\"}}", "malformed JSON");
      bad.put("{\"compares\": [{\"key\": \"bad/a\", \"op\": \"=\", \"verison\": 1}]}",
          "compare 1: unknown field \"verison\"");
      for (Map.Entry<String, String> body : bad.entrySet()) {
        RestClient.Reply reply = rest.post(cluster.follower(), "/v1/txn", body.getKey());
        assertThat(reply.status()).as(body.getKey() + ": " + reply.text()).isEqualTo(400);
        assertThat(reply.json().path("error").path("code").asText()).as(body.getKey())
            .isEqualTo("invalid_argument");
        assertThat(reply.json().path("error").path("message").asText()).as(body.getKey())
            .contains(body.getValue());
      }
      assertThat(entries(client, "bad/", Consistency.CONSISTENCY_LINEARIZABLE))
          .isEqualTo(before);
    }
  }

  private static TxnOp put(String key, String value) {
    return TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(utf8(key))
        .setValue(utf8(value))).build();
  }

  /** The live entries under a prefix, keyed by key. */
  private static Map<String, KeyValue> entries(KvClient client, String prefix,
      Consistency consistency) {
    ByteString key = utf8(prefix);
    Map<String, KeyValue> entries = new LinkedHashMap<>();
    client.kv().range(RangeRequest.newBuilder().setKey(key)
            .setRangeEnd(ByteString.copyFrom(KeyRanges.prefixEnd(key.toByteArray())))
            .setConsistency(consistency).build())
        .getKvsList().forEach(kv -> entries.put(kv.getKey().toStringUtf8(), kv));
    return entries;
  }

  private static void refused(KvClient client, TxnRequest.Builder request, String message) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client.kv().txn(request.build()));
    assertThat(e).as(request.toString()).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains(message);
    assertThat(ErrorTrailer.code(e)).hasValue("invalid_argument");
  }
}
