package io.pensieve.server.grpc;

import static io.pensieve.server.grpc.KvClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.api.KeyRanges;
import io.pensieve.api.RequestLimits;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Range reads ({@code KV.Range}, {@code GET /v1/kv}) on a real 3-node cluster: key order, paging,
 * consistency and bad input.
 */
class RangeIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  private static RangeRequest.Builder prefix(String prefix) {
    ByteString key = utf8(prefix);
    return RangeRequest.newBuilder().setKey(key)
        .setRangeEnd(ByteString.copyFrom(KeyRanges.prefixEnd(key.toByteArray())));
  }

  private static List<String> keys(RangeResponse response) {
    return response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
  }

  @Test
  void aRangeThroughAFollowerSeesEveryWriteAcknowledgedBeforeIt() {
    PensieveNode follower = cluster.follower();
    try (KvClient writer = KvClient.connect(cluster.awaitLeader());
        KvClient reader = KvClient.connect(follower)) {
      List<String> written = new ArrayList<>();
      long lastIndex = 0;
      for (int i = 0; i < 30; i++) {
        String key = "seen/" + (char) ('a' + (i * 7) % 26) + i;
        writer.put(key, "v" + i);
        written.add(key);

        RangeResponse range = reader.kv().range(prefix("seen/").build());

        assertThat(keys(range)).containsExactlyInAnyOrderElementsOf(written).isSorted();
        assertThat(range.getMore()).isFalse();
        assertThat(range.getAppliedIndex()).isGreaterThanOrEqualTo(lastIndex);
        lastIndex = range.getAppliedIndex();
      }
    }
  }

  @Test
  void pagingThroughAHundredThousandKeysYieldsEachExactlyOnce() {
    int total = 100_000;
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < total; i++) {
      entries.put(String.format("page/%06d", i), "v" + i);
    }
    try (KvClient writer = KvClient.connect(cluster.awaitLeader());
        KvClient reader = KvClient.connect(cluster.follower())) {
      writer.putAll(entries);

      List<String> seen = new ArrayList<>(total);
      RangeRequest.Builder request = prefix("page/").setLimit(7_000);
      int pages = 0;
      RangeResponse page;
      do {
        page = reader.kv().range(request.build());
        seen.addAll(keys(page));
        request.setKey(page.getNextKey());
        pages++;
      } while (page.getMore());

      assertThat(seen).hasSize(total).isSorted().containsExactlyElementsOf(entries.keySet());
      assertThat(pages).isEqualTo((total + 6_999) / 7_000);
      assertThat(reader.kv().range(prefix("page/").setCountOnly(true).build()).getCount())
          .isEqualTo(total);
      // no limit given: the node's cap
      assertThat(reader.kv().range(prefix("page/").build()).getKvsCount())
          .isEqualTo(RequestLimits.DEFAULT_RANGE_ENTRIES);
    }
  }

  @Test
  void keysOnlyFromKeyOnAndStaleReads() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      for (String key : List.of("zz/a", "zz/b", "zz/c")) {
        client.put(key, "value of " + key);
      }

      RangeResponse keysOnly = client.kv().range(prefix("zz/").setKeysOnly(true).build());
      assertThat(keys(keysOnly)).containsExactly("zz/a", "zz/b", "zz/c");
      assertThat(keysOnly.getKvsList()).allSatisfy(kv -> {
        assertThat(kv.getValue()).isEmpty();
        assertThat(kv.getVersion()).isPositive();
      });

      RangeResponse fromKeyOn = client.kv().range(RangeRequest.newBuilder()
          .setKey(utf8("zz/b")).setRangeEnd(ByteString.copyFrom(KeyRanges.fromKey())).build());
      assertThat(keys(fromKeyOn)).startsWith("zz/b", "zz/c");

      RangeResponse one = client.kv().range(RangeRequest.newBuilder().setKey(utf8("zz/c"))
          .build());
      assertThat(one.getKvsList()).extracting(KeyValue::getValue)
          .containsExactly(utf8("value of zz/c"));

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        try (KvClient follower = KvClient.connect(cluster.follower())) {
          assertThat(keys(follower.kv().range(prefix("zz/")
              .setConsistency(Consistency.CONSISTENCY_STALE).build())))
              .containsExactly("zz/a", "zz/b", "zz/c");
        }
      });
    }
  }

  @Test
  void expiredEntriesNeverAppear() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      PutResponse expiring = client.kv().put(PutRequest.newBuilder().setKey(utf8("ttl/a"))
          .setValue(utf8("soon gone")).setTtlMillis(200).build());
      client.put("ttl/b", "stays");
      assertThat(expiring.getVersion()).isPositive();

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(keys(client.kv().range(prefix("ttl/").build()))).containsExactly("ttl/b"));
      assertThat(client.kv().range(prefix("ttl/").setCountOnly(true).build()).getCount())
          .isEqualTo(1);
    }
  }

  @Test
  void badRangesAreRefusedAndTheNodeGoesOnServing() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      client.put("bad/a", "v");
      refused(client, RangeRequest.newBuilder().setKey(utf8("b")).setRangeEnd(utf8("a")),
          "range_end must come after key");
      refused(client, RangeRequest.newBuilder().setKey(utf8("a")).setRangeEnd(utf8("a")),
          "range_end must come after key");
      refused(client, prefix("bad/").setLimit(-1), "limit must be between 0");
      refused(client, prefix("bad/").setLimit(RequestLimits.DEFAULT_RANGE_ENTRIES + 1L),
          "limit must be between 0");
      refused(client, RangeRequest.newBuilder(), "the key must not be empty");

      assertThat(keys(client.kv().range(prefix("bad/").build()))).containsExactly("bad/a");
    }
  }

  @Test
  void overRestAPrefixAPageAndACount() {
    PensieveNode leader = cluster.awaitLeader();
    try (KvClient client = KvClient.connect(leader)) {
      for (String key : List.of("rest/a", "rest/b", "rest/c", "rest0")) {
        client.put(key, "v");
      }
    }
    RestClient rest = new RestClient();
    PensieveNode follower = cluster.follower();

    JsonNode page = rest.get(follower, "/v1/kv?prefix=rest/&limit=2").json();
    assertThat(page.path("kvs").findValuesAsText("key")).containsExactly("rest/a", "rest/b");
    assertThat(page.path("more").asBoolean()).isTrue();
    assertThat(page.path("next_key").asText()).isEqualTo("rest/c");
    assertThat(page.path("applied_index").asLong()).isPositive();

    JsonNode rest2 = rest.get(follower, "/v1/kv?key=rest/c&range_end=rest1&keys_only").json();
    assertThat(rest2.path("kvs").findValuesAsText("key")).containsExactly("rest/c", "rest0");
    assertThat(rest2.path("more").asBoolean()).isFalse();
    assertThat(rest2.path("kvs").findValues("value")).isEmpty();

    assertThat(rest.get(follower, "/v1/kv?prefix=rest&count_only=true&consistency=stale")
        .json().path("count").asLong()).isEqualTo(4);

    for (String bad : List.of("/v1/kv", "/v1/kv?key=b&range_end=a", "/v1/kv?prefix=a&key=a",
        "/v1/kv?prefix=a&limit=-1", "/v1/kv?prefix=a&limit=lots",
        "/v1/kv?prefix=a&consistency=eventual")) {
      RestClient.Reply reply = rest.get(follower, bad);
      assertThat(reply.status()).as(bad + ": " + reply.text()).isEqualTo(400);
      assertThat(reply.json().path("error").path("code").asText()).as(bad)
          .isEqualTo("invalid_argument");
    }
  }

  private static void refused(KvClient client, RangeRequest.Builder request, String message) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client.kv().range(request.build()));
    assertThat(e).as(request.toString()).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains(message);
    assertThat(ErrorTrailer.code(e)).hasValue("invalid_argument");
  }
}
