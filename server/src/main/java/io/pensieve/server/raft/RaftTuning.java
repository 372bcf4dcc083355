package io.pensieve.server.raft;

import io.pensieve.server.NodeConfig;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.retry.ExponentialBackoffRetry;
import org.apache.ratis.retry.RetryPolicy;
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
  private static final long PREALLOCATED_BYTES = 256 * 1024;
  private static final int CACHED_SEGMENTS = 2;
  private static final SizeInBytes CACHED_SEGMENT_BYTES = SizeInBytes.valueOf("96MB");
  /**
   * The embedded client retries a write with backoff (50 ms doubling to 1 s, each sleep 0.5-1.5
   * times that) up to 15 times: about 12 s when attempts fail fast (a leader election), which
   * covers the node's own 10 s request timeout; at most 15 × 3 s + 17 s = 62 s when every
   * attempt times out.
   */
  private static final int CLIENT_ATTEMPTS = 15;
  private static final TimeDuration CLIENT_FIRST_PAUSE = millis(50);
  private static final TimeDuration CLIENT_LONGEST_PAUSE = millis(1_000);
  private static final TimeDuration CLIENT_ATTEMPT_TIMEOUT = millis(3_000);
  /**
   * A retried write is recognised, and not applied twice, while its first attempt is in the
   * retry cache (on every member: followers fill it as they apply). Twice the client's longest
   * retry window. Each entry holds its batch's results, about 15 bytes per write.
   */
  private static final TimeDuration RETRY_CACHE_EXPIRY = millis(120_000);

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
    // Opt-in: the leader skips the heartbeat round while a majority answered it within 90% of
    // the shortest election timeout, by its own clock.
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(properties, config.readLease());
    RaftServerConfigKeys.RetryCache.setExpiryTime(properties, RETRY_CACHE_EXPIRY);

    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties,
        config.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, SNAPSHOTS_RETAINED);
    // A down follower must not hold the log on every node: it gets a snapshot instead.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties,
        SizeInBytes.valueOf(config.logSegmentBytes()));
    // Ratis grows a segment by writing zeros, which the next fsync must flush before the entries
    // it waits for: at its 4 MB that fsync took 5-50 ms instead of 0.1 ms here, a stall of every
    // write in flight once per 4 MB of log. 256 KB of zeros flush within the fsync's own time.
    RaftServerConfigKeys.Log.setPreallocatedSize(properties,
        SizeInBytes.valueOf(Math.min(config.logSegmentBytes(), PREALLOCATED_BYTES)));
    // Entries of closed segments stay on the heap until this many segments are cached (Ratis:
    // 6, up to 200 MB): medium-lived data every young collection copies. Two is enough for
    // followers that keep up; one that lags is sent entries read back from disk.
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(properties, CACHED_SEGMENTS);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(properties, CACHED_SEGMENT_BYTES);
    // Ratis logs an extra entry each time the commit index moves, doubling the entries written,
    // sent and cached per write batch. It only lets a restarted member apply its log before it
    // hears from a leader, and a member is not ready before that anyway.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);
    RaftServerConfigKeys.Log.setWriteBufferSize(properties, WRITE_BUFFER);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, APPENDER_BUFFER);
    // Ratis spaces a follower's appends at least 1 ms apart (and its sleep rounds up to a whole
    // millisecond), so an entry logged within 1 ms of the last append, such as the commit-index
    // update that follows every commit, waited up to a millisecond for nothing: with four
    // writers in flight a write took 3.0 ms (p50) instead of 2.2. Followers that lag are still
    // paced by Ratis' slow-follower wait.
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(properties, TimeDuration.ZERO);
    // The default backs off to 1 s, then 5 s, which leaves a restarted follower behind for ~10 s.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, "10ms,10, 100ms,100, 1s,1000");
    // Ratis 3.3 chains each follower append on the previous one's future ("compose"); once one
    // append fails (two streams from one leader, after a partition heals, delivered the same
    // entries at once) every later append fails with it, and the follower never catches up
    // again until it restarts. Seen under jepsen-lite's partitions. Without compose, a failed
    // append fails alone and the leader sends it again.
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(properties, false);
    return withOverrides(properties, System.getProperties());
  }

  static RaftProperties clientProperties() {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.setMessageSizeMax(properties, GRPC_MESSAGE_MAX);
    // Past this many requests in flight, Ratis blocks the caller's thread.
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(properties, 1024);
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, CLIENT_ATTEMPT_TIMEOUT);
    return withOverrides(properties, System.getProperties());
  }

  /**
   * JVM system properties named {@code raft.*} replace the Ratis setting of that name (for
   * experiments and emergencies: {@code PENSIEVE_JAVA_OPTS=-Draft.server.log.force.sync.num=64}).
   */
  static RaftProperties withOverrides(RaftProperties properties, Properties overrides) {
    for (String name : overrides.stringPropertyNames()) {
      if (name.startsWith("raft.")) {
        properties.set(name, overrides.getProperty(name));
      }
    }
    return properties;
  }

  static RetryPolicy clientRetryPolicy() {
    return ExponentialBackoffRetry.newBuilder()
        .setBaseSleepTime(CLIENT_FIRST_PAUSE)
        .setMaxSleepTime(CLIENT_LONGEST_PAUSE)
        .setMaxAttempts(CLIENT_ATTEMPTS)
        .build();
  }

  private static TimeDuration millis(long millis) {
    return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
  }
}
