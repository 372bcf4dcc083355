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
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.GetSettingsRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.Settings;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replicated bounds on one request ({@code max_range_entries}, {@code max_delete_range_keys}
 * and the rest), changed through Admin.UpdateSettings on a real 3-node cluster, bind every node.
 */
class RequestBoundsIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  @AfterEach
  void boundsBackToTheirDefaults() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader())) {
      configure(leader, ConfigureCommand.newBuilder().setMaxRangeEntries(0)
          .setMaxDeleteRangeKeys(0));
    }
  }

  @Test
  void aLoweredRangeCapPagesEveryReplyAndRefusesALargerLimitNamingIt() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader());
        KvClient follower = KvClient.connect(cluster.follower())) {
      for (int i = 0; i < 10; i++) {
        leader.put(String.format("paged/%02d", i), "v" + i);
      }

      Settings lowered = configure(leader, ConfigureCommand.newBuilder().setMaxRangeEntries(5));

      assertThat(lowered.getMaxRangeEntries()).isEqualTo(5);
      // a linearizable read waits until the follower has applied the lowered cap too
      RangeResponse first = follower.kv().range(prefix("paged/").build());
      assertThat(keys(first)).containsExactly("paged/00", "paged/01", "paged/02", "paged/03",
          "paged/04");
      assertThat(first.getMore()).isTrue();
      RangeResponse second = follower.kv().range(prefix("paged/")
          .setKey(first.getNextKey()).build());
      assertThat(keys(second)).containsExactly("paged/05", "paged/06", "paged/07", "paged/08",
          "paged/09");
      assertThat(second.getMore()).isFalse();
      refused(() -> leader.kv().range(prefix("paged/").setLimit(6).build()),
          "max_range_entries 5");
      assertThat(keys(leader.kv().range(prefix("paged/").setLimit(5).build()))).hasSize(5);
      JsonNode overRest = new RestClient().get(cluster.awaitLeader(), "/v1/stats").json();
      assertThat(overRest.path("settings").path("max_range_entries").asInt()).isEqualTo(5);
    }
  }

  @Test
  void aLoweredDeleteRangeBoundRefusesALargerDeleteAndDeletesNothing() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader());
        KvClient follower = KvClient.connect(cluster.follower())) {
      for (String key : List.of("many/a", "many/b", "many/c", "many/d", "few/a", "few/b")) {
        leader.put(key, "v");
      }
      configure(leader, ConfigureCommand.newBuilder().setMaxDeleteRangeKeys(3));

      refused(() -> follower.kv().deleteRange(deletePrefix("many/").build()),
          "max_delete_range_keys 3");

      assertThat(keys(leader.kv().range(prefix("many/").build())))
          .containsExactly("many/a", "many/b", "many/c", "many/d");
      assertThat(follower.kv().deleteRange(deletePrefix("few/").build()).getDeleted())
          .isEqualTo(2);
    }
  }

  @Test
  void aBoundOutOfRangeIsRefusedNamingItsRangeAndChangesNothing() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader())) {
      Settings before = leader.admin().getSettings(GetSettingsRequest.getDefaultInstance());

      refused(() -> leader.admin().updateSettings(UpdateSettingsRequest.newBuilder()
              .setChanges(ConfigureCommand.newBuilder().setMaxRangeEntries(5)
                  .setMaxTxnOps(RequestLimits.MAX_TXN_OPS + 1)).build()),
          "max_txn_ops must be between 1 and " + RequestLimits.MAX_TXN_OPS);

      Settings after = leader.admin().getSettings(GetSettingsRequest.getDefaultInstance());
      assertThat(after).isEqualTo(before);
      assertThat(after.getMaxRangeEntries()).isEqualTo(RequestLimits.DEFAULT_RANGE_ENTRIES);
      assertThat(after.getMaxTxnOps()).isEqualTo(RequestLimits.DEFAULT_TXN_OPS);
    }
  }

  private static Settings configure(KvClient client, ConfigureCommand.Builder changes) {
    return client.admin().updateSettings(UpdateSettingsRequest.newBuilder()
        .setChanges(changes).build()).getSettings();
  }

  private static RangeRequest.Builder prefix(String prefix) {
    ByteString key = utf8(prefix);
    return RangeRequest.newBuilder().setKey(key)
        .setRangeEnd(ByteString.copyFrom(KeyRanges.prefixEnd(key.toByteArray())))
        .setConsistency(Consistency.CONSISTENCY_LINEARIZABLE);
  }

  private static DeleteRangeRequest.Builder deletePrefix(String prefix) {
    ByteString key = utf8(prefix);
    return DeleteRangeRequest.newBuilder().setKey(key)
        .setRangeEnd(ByteString.copyFrom(KeyRanges.prefixEnd(key.toByteArray())));
  }

  private static List<String> keys(RangeResponse response) {
    List<String> keys = new ArrayList<>();
    response.getKvsList().forEach(kv -> keys.add(kv.getKey().toStringUtf8()));
    return keys;
  }

  private static void refused(Runnable call, String message) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains(message);
    assertThat(ErrorTrailer.code(e)).hasValue("invalid_argument");
  }
}
