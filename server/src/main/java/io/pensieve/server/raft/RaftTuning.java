package io.pensieve.server.raft;

import io.pensieve.server.NodeConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Every Ratis setting the node changes from its default, with the reason beside it. */
final class RaftTuning {
  /**
   * The largest log entry is a full write batch (4 MiB) or one write with a value at the
   * ceiling (4 MiB) riding alone; the appender's buffer must hold one whole, and Ratis wants
   * the log's write buffer larger than the appender's.
   */
  private static final SizeInBytes APPENDER_BUFFER = SizeInBytes.valueOf("8MB");
  private static final SizeInBytes WRITE_BUFFER = SizeInBytes.valueOf("16MB");
  private static final SizeInBytes GRPC_MESSAGE_MAX = SizeInBytes.valueOf("32MB");
  private static final int SNAPSHOTS_RETAINED = 3;

  private RaftTuning() {}

  static RaftProperties serverProperties(NodeConfig config) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(properties, config.listenHost());
    GrpcConfigKeys.Server.setPort(properties, config.raftPort());
    GrpcConfigKeys.setMessageSizeMax(properties, GRPC_MESSAGE_MAX);
    RaftServerConfigKeys.setStorageDir(properties, List.of(config.dataDir().toFile()));

    // Ratis' 150-300 ms default elects spuriously on two busy cores during GC pauses.
    long minMillis = config.electionTimeoutMin().toMillis();
    RaftServerConfigKeys.Rpc.setTimeoutMin(properties, millis(minMillis));
    RaftServerConfigKeys.Rpc.setTimeoutMax(properties, millis(2 * minMillis));

    // ReadIndex on any member: reads served by followers are linearizable too.
    RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties,
        config.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, SNAPSHOTS_RETAINED);
    // A down follower must not hold the log on every node: it gets a snapshot instead.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties,
        SizeInBytes.valueOf(config.logSegmentBytes()));
    RaftServerConfigKeys.Log.setPreallocatedSize(properties,
        SizeInBytes.valueOf(Math.min(config.logSegmentBytes(), 4L * 1024 * 1024)));
    RaftServerConfigKeys.Log.setWriteBufferSize(properties, WRITE_BUFFER);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, APPENDER_BUFFER);
    // The default backs off to 1 s, then 5 s, which leaves a restarted follower behind for ~10 s.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, "10ms,10, 100ms,100, 1s,1000");
    return properties;
  }

  static RaftProperties clientProperties() {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.setMessageSizeMax(properties, GRPC_MESSAGE_MAX);
    // Past this many requests in flight, Ratis blocks the caller's thread.
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(properties, 1024);
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    return properties;
  }

  private static TimeDuration millis(long millis) {
    return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
  }
}
