package io.pensieve.server.metrics;

import io.pensieve.server.raft.RaftNode;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * The Raft member's state, read from the Ratis division when scraped. A node that has no
 * division (not formed yet, or removed) reports none of these.
 */
final class RaftGauges {
  private final RaftNode raft;

  private RaftGauges(RaftNode raft) {
    this.raft = raft;
  }

  static void register(PrometheusRegistry registry, RaftNode raft) {
    RaftGauges gauges = new RaftGauges(raft);
    gauges.gauge(registry, "pensieve_raft_term", "Current Raft term",
        d -> d.getInfo().getCurrentTerm());
    gauges.gauge(registry, "pensieve_raft_is_leader", "1 if this node is the leader, else 0",
        d -> d.getInfo().isLeader() ? 1 : 0);
    gauges.gauge(registry, "pensieve_raft_commit_index",
        "Highest log index this node knows to be committed",
        d -> d.getRaftLog().getLastCommittedIndex());
    gauges.gauge(registry, "pensieve_raft_applied_index",
        "Highest log index applied to this node's state machine",
        d -> d.getInfo().getLastAppliedIndex());
    gauges.gauge(registry, "pensieve_raft_snapshot_index",
        "Log index of this node's latest snapshot; 0 before the first",
        RaftGauges::snapshotIndex);
    gauges.gauge(registry, "pensieve_raft_log_entries",
        "Entries held in this node's log (from its first unpurged index to its last)",
        RaftGauges::logEntries);
    GaugeWithCallback.builder()
        .name("pensieve_raft_log_size_bytes")
        .help("Size of this node's log segment files on disk, the open segment's "
            + "preallocated space included")
        .unit(Unit.BYTES)
        .callback(callback -> raft.currentDivision()
            .flatMap(RaftGauges::logSizeBytes).ifPresent(callback::call))
        .register(registry);
    GaugeWithCallback.builder()
        .name("pensieve_raft_follower_lag_entries")
        .help("On the leader: its last log index minus each follower's match index")
        .labelNames("follower")
        .callback(callback -> raft.currentDivision()
            .ifPresent(d -> gauges.followerLag(d, callback)))
        .register(registry);
  }

  private void gauge(PrometheusRegistry registry, String name, String help,
      ToDoubleFunction<RaftServer.Division> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(callback -> raft.currentDivision()
            .ifPresent(d -> callback.call(value.applyAsDouble(d))))
        .register(registry);
  }

  private static double snapshotIndex(RaftServer.Division division) {
    SnapshotInfo latest = division.getStateMachine().getLatestSnapshot();
    return latest == null ? 0 : latest.getIndex();
  }

  private static double logEntries(RaftServer.Division division) {
    RaftLog log = division.getRaftLog();
    long start = log.getStartIndex();
    return start == RaftLog.INVALID_LOG_INDEX ? 0 : Math.max(0, log.getNextIndex() - start);
  }

  /**
   * Ratis keeps no byte count of its log, so this lists the log directory: a handful of
   * segment files (a closed one holds up to 4 MiB by default), none when the directory cannot be read.
   */
  private static Optional<Double> logSizeBytes(RaftServer.Division division) {
    List<LogSegmentPath> segments;
    try {
      segments = LogSegmentPath.getLogSegmentPaths(division.getRaftStorage());
    } catch (IOException e) {
      return Optional.empty();
    }
    long bytes = 0;
    for (LogSegmentPath segment : segments) {
      try {
        bytes += Files.size(segment.getPath());
      } catch (IOException e) {
        // purged, or closed and renamed, since the listing
      }
    }
    return Optional.of((double) bytes);
  }

  /**
   * Ratis gives the followers' match indices as an array and their ids in the role info, both
   * in the order of the leader's log appenders. A membership change between the two reads
   * makes their lengths differ; that scrape then reports no lag rather than a wrong one.
   */
  private void followerLag(RaftServer.Division division, GaugeWithCallback.Callback callback) {
    if (!division.getInfo().isLeader()) {
      return;
    }
    List<ServerRpcProto> followers =
        division.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
    long[] matchIndices = division.getInfo().getFollowerMatchIndices();
    if (matchIndices == null || matchIndices.length != followers.size()) {
      return;
    }
    long lastIndex = division.getRaftLog().getNextIndex() - 1;
    for (int i = 0; i < matchIndices.length; i++) {
      String follower = followers.get(i).getId().getId().toStringUtf8();
      callback.call((double) Math.max(0, lastIndex - matchIndices[i]), follower);
    }
  }
}
