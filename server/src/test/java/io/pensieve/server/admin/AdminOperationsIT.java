package io.pensieve.server.admin;

import static io.pensieve.server.admin.SnapshotUploads.restore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.ConfigureResult;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DigestRequest;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.GetSettingsRequest;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.Role;
import io.pensieve.proto.v1.SaveSnapshotRequest;
import io.pensieve.proto.v1.SnapshotChunk;
import io.pensieve.proto.v1.StatusRequest;
import io.pensieve.proto.v1.TakeSnapshotRequest;
import io.pensieve.proto.v1.TakeSnapshotResponse;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Admin operations that are not membership changes, on a live cluster. */
class AdminOperationsIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  @Test
  void settingsChangeThroughTheLogAndReadBackFromAnyNode() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader());
        KvClient follower = KvClient.connect(cluster.follower())) {
      ConfigureResult result = follower.admin().updateSettings(UpdateSettingsRequest.newBuilder()
          .setChanges(ConfigureCommand.newBuilder().setDefaultTtlMillis(60_000)).build());
      assertThat(result.getChanged()).isTrue();
      assertThat(leader.admin().getSettings(GetSettingsRequest.getDefaultInstance())
          .getDefaultTtlMillis()).isEqualTo(60_000);
      follower.admin().updateSettings(UpdateSettingsRequest.newBuilder()
          .setChanges(ConfigureCommand.newBuilder().setDefaultTtlMillis(0)).build());
      assertThat(follower.admin().getSettings(GetSettingsRequest.getDefaultInstance())
          .getDefaultTtlMillis()).isZero();
    }
  }

  @Test
  void everyReplicaReportsTheSameDigestOnceItHasAppliedTheSameLog() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      client.put("digest", "x");
    }
    List<DigestResult> digests = await("every replica at the same applied index")
        .atMost(Duration.ofSeconds(30)).until(AdminOperationsIT::digests,
            all -> all.stream().map(DigestResult::getAppliedIndex).distinct().count() == 1);
    assertThat(digests).allSatisfy(d -> {
      assertThat(d).isEqualTo(digests.get(0));
      assertThat(d.getSha256().size()).isEqualTo(32);
      assertThat(d.getEntries()).isPositive();
    });
  }

  private static List<DigestResult> digests() {
    return cluster.nodes().stream().map(node -> {
      try (KvClient client = KvClient.connect(node)) {
        return client.admin().digest(DigestRequest.getDefaultInstance());
      }
    }).toList();
  }

  @Test
  void everyNodeReportsItsStatus() throws Exception {
    PensieveNode leader = cluster.awaitLeader();
    try (KvClient client = KvClient.connect(leader)) {
      client.put("status", "x");
    }
    for (PensieveNode node : cluster.nodes()) {
      try (KvClient client = KvClient.connect(node)) {
        // a follower applies the write a moment after the leader answered it
        NodeStatus status = await().atMost(Duration.ofSeconds(10)).until(
            () -> client.admin().status(StatusRequest.getDefaultInstance()),
            s -> s.getEntries() > 0);
        assertThat(status.getNodeId()).isEqualTo(node.info().id());
        assertThat(status.getMember()).isTrue();
        assertThat(status.getLeaderId()).isEqualTo(leader.info().id());
        assertThat(status.getTerm()).isPositive();
        assertThat(status.getCommitIndex()).isPositive();
        assertThat(status.getAppliedIndex()).isPositive();
        assertThat(status.getEntries()).isPositive();
        assertThat(status.getGrpcAddress()).isEqualTo(node.info().grpcAddress());
        if (node == leader) {
          assertThat(status.getRole()).isEqualTo(Role.ROLE_LEADER);
          assertThat(status.getFollowersList()).hasSize(2)
              .allSatisfy(f -> assertThat(f.getMatchIndex()).isPositive());
        } else {
          assertThat(status.getRole()).isEqualTo(Role.ROLE_FOLLOWER);
          assertThat(status.getLeaderContactMillisAgo()).isBetween(0L, 5_000L);
        }
      }
    }
    PensieveNode waiting = cluster.startJoining("n9");
    try (KvClient client = KvClient.connect(waiting)) {
      NodeStatus status = client.admin().status(StatusRequest.getDefaultInstance());
      assertThat(status.getMember()).isFalse();
      assertThat(status.getRole()).isEqualTo(Role.ROLE_UNSPECIFIED);
    } finally {
      cluster.stop("n9");
    }
  }

  @Test
  void aSnapshotIsTakenSavedAndRestored() throws Exception {
    Map<String, String> data = new LinkedHashMap<>();
    for (int i = 0; i < 500; i++) {
      data.put("backup-" + i, "value-" + i);
    }
    try (KvClient client = KvClient.connect(cluster.follower())) {
      client.putAll(data);
      TakeSnapshotResponse taken =
          client.admin().takeSnapshot(TakeSnapshotRequest.getDefaultInstance());
      assertThat(taken.getIndex()).isPositive();
      assertThat(Files.size(Path.of(taken.getPath()))).isEqualTo(taken.getSizeBytes());

      ByteArrayOutputStream saved = new ByteArrayOutputStream();
      Iterator<SnapshotChunk> chunks =
          client.admin().saveSnapshot(SaveSnapshotRequest.getDefaultInstance());
      TakeSnapshotResponse described = null;
      while (chunks.hasNext()) {
        SnapshotChunk chunk = chunks.next();
        if (chunk.hasSnapshot()) {
          described = chunk.getSnapshot();
        }
        saved.writeBytes(chunk.getData().toByteArray());
      }
      byte[] file = saved.toByteArray();
      assertThat(new String(file, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PVSN");
      assertThat(described.getIndex()).isGreaterThanOrEqualTo(taken.getIndex());
      assertThat(file).hasSize((int) described.getSizeBytes());

      data.keySet().forEach(key -> client.kv().delete(
          DeleteRequest.newBuilder().setKey(KvClient.utf8(key)).build()));
      assertThat(client.value("backup-7")).isEmpty();

      RestoreSnapshotResponse restored = restore(client, file);
      assertThat(restored.getRestored()).isGreaterThanOrEqualTo(data.size());
      assertThat(client.values(data.keySet().stream().toList()).values())
          .allSatisfy(value -> assertThat(value).isPresent());
      assertThat(client.value("backup-7")).contains("value-7");
    }
  }
}
