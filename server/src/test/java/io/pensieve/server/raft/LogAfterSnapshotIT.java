package io.pensieve.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.TakeSnapshotRequest;
import io.pensieve.server.NodeConfig;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ratis keeps every entry of the open log segment on the heap, and a snapshot purges closed
 * segments only. With the node's default segment size, what the log still holds after a
 * snapshot is at most one small segment, however much was written before it.
 */
class LogAfterSnapshotIT {
  /** Past Ratis's purge gap (1,024 indexes): each put below is an entry of its own. */
  private static final int PUTS = 1_200;
  private static final String VALUE = "v".repeat(10 * 1024);
  private static final Duration PATIENCE = Duration.ofMinutes(1);

  /** One node: what is measured is that node's own log, with no election to get in the way. */
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(1);

  @Test
  void aSnapshotLeavesAtMostOneSegmentOfLogBehind() {
    PensieveNode node = cluster.awaitLeader();
    try (KvClient client = KvClient.connect(node)) {
      for (int i = 0; i < PUTS; i++) {
        client.put("key-" + i, VALUE);
      }
      assertThat(logBytes(node.raft().division()))
          .as("12 MB written: several segments before the snapshot")
          .isGreaterThan(2 * NodeConfig.DEFAULT_LOG_SEGMENT_BYTES);

      client.admin(PATIENCE).takeSnapshot(TakeSnapshotRequest.getDefaultInstance());
    }

    await("the log purged behind the snapshot").atMost(PATIENCE)
        .untilAsserted(() -> assertThat(logBytes(node.raft().division()))
            .isLessThanOrEqualTo(NodeConfig.DEFAULT_LOG_SEGMENT_BYTES));
  }

  /** The log's segment files, the open one's preallocated space included. */
  private static long logBytes(RaftServer.Division division) {
    try {
      long bytes = 0;
      for (LogSegmentPath segment : LogSegmentPath.getLogSegmentPaths(division.getRaftStorage())) {
        try {
          bytes += Files.size(segment.getPath());
        } catch (NoSuchFileException e) {
          // purged, or closed and renamed, since the listing
        }
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
