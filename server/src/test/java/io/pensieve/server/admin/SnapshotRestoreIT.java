package io.pensieve.server.admin;

import static io.pensieve.server.admin.SnapshotUploads.restore;
import static io.pensieve.server.grpc.KvClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseListRequest;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.statemachine.snapshot.SnapshotFiles;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A snapshot file restored into a live 3-node cluster keeps its leases: the same ids, the same
 * keys attached, each with its full TTL from the restore; a file whose leases cannot all be
 * granted is refused before anything is written; a file of the format before leases restores.
 */
class SnapshotRestoreIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  /** When the saved cluster stamped its writes: an hour before the restore. */
  private static final long SAVED_AT_MILLIS = System.currentTimeMillis() - 3_600_000;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3,
      builder -> builder.cleanupInterval(Duration.ofMillis(200)));

  @Test
  void leasesComeBackWithTheirIdsAndKeysAndStillRevokeAndExpireThem() throws Exception {
    // given a file whose lease 7 holds two keys and lease 8 one, saved an hour ago: by the
    // saved cluster's clock both ran out long since
    LeasedMap saved = new LeasedMap();
    grant(saved, 7, 60_000);
    grant(saved, 8, 10_000);
    put(saved, "lock/a", "owner-1", 7);
    put(saved, "lock/b", "owner-1", 7);
    put(saved, "session/c", "owner-2", 8);
    put(saved, "plain/d", "kept", 0);

    try (KvClient client = KvClient.connect(cluster.follower())) {
      // when it is restored
      RestoreSnapshotResponse restored = restore(client, SnapshotFiles.current(saved));

      // then both leases exist under their ids, hold their keys, and have their full TTL
      assertThat(restored.getLeases()).isEqualTo(2);
      assertThat(restored.getRestored()).isEqualTo(4);
      assertThat(restored.getSkippedExpired()).isZero();
      LeaseTimeToLiveResponse seven = timeToLive(client, 7);
      assertThat(seven.getGrantedTtlSeconds()).isEqualTo(60);
      assertThat(seven.getTtlSeconds()).isGreaterThan(45);
      assertThat(seven.getKeysList()).containsExactly(utf8("lock/a"), utf8("lock/b"));
      LeaseTimeToLiveResponse eight = timeToLive(client, 8);
      assertThat(eight.getGrantedTtlSeconds()).isEqualTo(10);
      assertThat(eight.getKeysList()).containsExactly(utf8("session/c"));
      assertThat(leases(client).list(LeaseListRequest.getDefaultInstance()).getLeasesList())
          .extracting(LeaseTimeToLiveResponse::getId).contains(7L, 8L);
      assertThat(read(client, "lock/a").getKv().getLease()).isEqualTo(7);
      assertThat(read(client, "session/c").getKv().getLease()).isEqualTo(8);
      assertThat(read(client, "plain/d").getKv().getLease()).isZero();

      // revoking lease 7 deletes its keys at once
      assertThat(leases(client).revoke(LeaseRevokeRequest.newBuilder().setId(7).build())
          .getDeleted()).isEqualTo(2);
      assertThat(read(client, "lock/a").getFound()).isFalse();
      assertThat(read(client, "lock/b").getFound()).isFalse();

      // lease 8, which nobody keeps alive, expires and takes its key with it
      await("lease 8 expired with its key").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
          .until(() -> !read(client, "session/c").getFound());
      assertThat(leases(client).list(LeaseListRequest.getDefaultInstance()).getLeasesList())
          .extracting(LeaseTimeToLiveResponse::getId).doesNotContain(7L, 8L);
      assertThat(client.value("plain/d")).contains("kept");
    }
  }

  @Test
  void aFileWhoseLeaseIdTheClusterHoldsIsRefusedBeforeAnythingIsWritten() {
    LeasedMap saved = new LeasedMap();
    grant(saved, 100, 30_000);
    grant(saved, 101, 30_000);
    put(saved, "clash/a", "v", 101);
    put(saved, "clash/plain", "v", 0);

    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      leases(client).grant(LeaseGrantRequest.newBuilder().setId(101).setTtlSeconds(60).build());

      Throwable refused = catchThrowable(() -> restore(client, SnapshotFiles.current(saved)));

      Status status = Status.fromThrowable(refused);
      assertThat(status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(status.getDescription()).contains("already holds leases 101 of the snapshot's 2")
          .contains("nothing was restored");
      assertThat(ids(client)).contains(101L).doesNotContain(100L);
      assertThat(client.value("clash/plain")).isEmpty();
      leases(client).revoke(LeaseRevokeRequest.newBuilder().setId(101).build());
    }
  }

  @Test
  void aFileWithMoreLeasesThanMaxLeasesLeavesRoomForIsRefusedBeforeAnythingIsWritten() {
    LeasedMap saved = new LeasedMap();
    grant(saved, 200, 30_000);
    grant(saved, 201, 30_000);
    put(saved, "full/a", "v", 200);

    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      int held = ids(client).size();
      setMaxLeases(client, held + 1);
      try {
        Throwable refused = catchThrowable(() -> restore(client, SnapshotFiles.current(saved)));

        Status status = Status.fromThrowable(refused);
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("max_leases " + (held + 1))
            .contains("nothing was restored");
        assertThat(ids(client)).doesNotContain(200L, 201L);
        assertThat(client.value("full/a")).isEmpty();
      } finally {
        setMaxLeases(client, 0);
      }
    }
  }

  @Test
  void aFileOfTheFormatBeforeLeasesStillRestores() throws Exception {
    LeasedMap saved = new LeasedMap();
    put(saved, "old/a", "1", 0);
    put(saved, "old/b", "2", 0);
    byte[] file = SnapshotFiles.withoutLeases(saved);
    assertThat(file[4]).isEqualTo((byte) 1);

    try (KvClient client = KvClient.connect(cluster.follower())) {
      RestoreSnapshotResponse restored = restore(client, file);

      assertThat(restored.getRestored()).isEqualTo(2);
      assertThat(restored.getLeases()).isZero();
      assertThat(client.value("old/a")).contains("1");
      assertThat(client.value("old/b")).contains("2");
    }
  }

  private static void grant(LeasedMap store, long id, long ttlMillis) {
    store.grant(id, ttlMillis, SAVED_AT_MILLIS);
  }

  private static void put(LeasedMap store, String key, String value, long lease) {
    assertThat(store.put(key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8), OptionalLong.of(0), lease,
        false, SAVED_AT_MILLIS)).isInstanceOf(WriteOutcome.Stored.class);
  }

  private static LeaseGrpc.LeaseBlockingStub leases(KvClient client) {
    return LeaseGrpc.newBlockingStub(client.channel())
        .withDeadlineAfter(KvClient.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static LeaseTimeToLiveResponse timeToLive(KvClient client, long id) {
    return leases(client).timeToLive(
        LeaseTimeToLiveRequest.newBuilder().setId(id).setKeys(true).build());
  }

  private static List<Long> ids(KvClient client) {
    return leases(client).list(LeaseListRequest.getDefaultInstance()).getLeasesList().stream()
        .map(LeaseTimeToLiveResponse::getId).toList();
  }

  private static GetResponse read(KvClient client, String key) {
    return client.get(key, Consistency.CONSISTENCY_LINEARIZABLE);
  }

  private static void setMaxLeases(KvClient client, int maxLeases) {
    client.admin().updateSettings(UpdateSettingsRequest.newBuilder()
        .setChanges(ConfigureCommand.newBuilder().setMaxLeases(maxLeases)).build());
  }
}
