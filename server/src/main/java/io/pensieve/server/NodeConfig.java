package io.pensieve.server;

import io.pensieve.internal.v1.Command;
import io.pensieve.server.auth.AuthSettings;
import io.pensieve.server.tls.TlsFiles;
import io.pensieve.statemachine.CommandKinds;
import io.pensieve.store.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything a node is told at start, validated once and passed down. Flags and environment
 * variables become this in {@link PensieveMain}; tests build it with {@link #builder}.
 *
 * @param nodeId this member's id in the Raft group
 * @param listenHost the address the REST, gRPC and Raft ports bind to
 * @param advertiseHost the host other members and clients use to reach this node
 * @param restPort REST port; 0 binds an ephemeral port
 * @param grpcPort gRPC client API port; 0 binds an ephemeral port
 * @param raftPort Raft peer port; 0 binds an ephemeral port
 * @param peers the members to form a cluster with: {@code id=host:raftPort} entries, or the REST
 *     URLs of the other nodes (asked for their ids and Raft addresses); empty = single member
 * @param join start as no cluster's member and wait to be added to a running one (by {@code
 *     pvctl member add}); {@code peers} must then be empty. A restart recovers the membership.
 * @param dataDir where the Raft log and snapshots live
 * @param clusterName names the Raft group; nodes with different names never join each other
 * @param initialSettings the cluster settings the first leader proposes, if none were ever set
 * @param requestTimeout how long a write may take before its outcome is reported as unknown
 * @param cleanupInterval how often the leader removes expired entries
 * @param touchInterval how often a node replicates the keys it served reads for (LRU order)
 * @param snapshotEveryEntries log entries between automatic snapshots
 * @param logSegmentBytes size at which a log segment is closed (only closed ones are purged).
 *     Ratis keeps every entry of the open segment in memory, snapshot or not, so this bounds
 *     what the log holds on the heap once a snapshot has purged the closed ones
 * @param electionTimeoutMin the shortest election timeout; the longest is twice this
 * @param readLease whether a leader serves linearizable reads within its lease, without a
 *     heartbeat round (opt-in: safe only while clocks run at the same rate and no pause
 *     outlasts the lease)
 * @param shutdownGrace how long a stopping node waits for in-flight requests
 * @param maxConcurrentRequests REST and gRPC requests served at once; more are refused (503)
 * @param tls the PEM files that turn TLS on for every port; empty = plaintext
 * @param auth whether and how requests are authenticated; off by default
 * @param appliedCommandKinds the kinds of log command this node's state machine applies: all
 *     of them, but for tests that play a node of an older build (one that predates a kind)
 */
public record NodeConfig(
    String nodeId,
    String listenHost,
    String advertiseHost,
    int restPort,
    int grpcPort,
    int raftPort,
    List<String> peers,
    boolean join,
    Path dataDir,
    String clusterName,
    Settings initialSettings,
    Duration requestTimeout,
    Duration cleanupInterval,
    Duration touchInterval,
    long snapshotEveryEntries,
    long logSegmentBytes,
    Duration electionTimeoutMin,
    boolean readLease,
    Duration shutdownGrace,
    int maxConcurrentRequests,
    Optional<TlsFiles> tls,
    AuthSettings auth,
    Set<Command.KindCase> appliedCommandKinds) {

  public static final int DEFAULT_REST_PORT = 7878;
  public static final int DEFAULT_GRPC_PORT = 7879;
  public static final int DEFAULT_RAFT_PORT = 7880;
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 10_000;
  public static final long DEFAULT_LOG_SEGMENT_BYTES = 4L * 1024 * 1024;
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  public NodeConfig {
    Objects.requireNonNull(dataDir, "data dir");
    Objects.requireNonNull(initialSettings, "initial settings");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth settings");
    peers = List.copyOf(peers);
    appliedCommandKinds = Set.copyOf(appliedCommandKinds);
    if (join && !peers.isEmpty()) {
      throw new IllegalArgumentException("a joining node waits to be added to a running cluster;"
          + " give it no peers");
    }
    if (!isValidNodeId(nodeId)) {
      throw new IllegalArgumentException("node id must be 1 to 63 letters, digits, '.', '_' or "
          + "'-', starting with a letter or digit; got '" + nodeId + "'");
    }
    requireText("listen host", listenHost);
    requireText("advertise host", advertiseHost);
    requireText("cluster name", clusterName);
    requirePort("REST port", restPort);
    requirePort("gRPC port", grpcPort);
    requirePort("Raft port", raftPort);
    requirePositive("request timeout", requestTimeout);
    requirePositive("cleanup interval", cleanupInterval);
    requirePositive("touch interval", touchInterval);
    requirePositive("election timeout", electionTimeoutMin);
    requirePositive("shutdown grace", shutdownGrace);
    if (maxConcurrentRequests < 1) {
      throw new IllegalArgumentException("max concurrent requests must be at least 1, got "
          + maxConcurrentRequests);
    }
    if (snapshotEveryEntries < 1) {
      throw new IllegalArgumentException("snapshot interval must be at least 1 entry, got "
          + snapshotEveryEntries);
    }
    if (logSegmentBytes < 16 * 1024) {
      throw new IllegalArgumentException("log segments must be at least 16 KiB, got "
          + logSegmentBytes);
    }
  }

  /** Whether {@code id} can name a member: letters, digits, '.', '_', '-', at most 63. */
  public static boolean isValidNodeId(String id) {
    return id != null && NODE_ID.matcher(id).matches();
  }

  public static Builder builder(String nodeId, Path dataDir) {
    return new Builder(nodeId, dataDir);
  }

  /** Starts from the defaults; each setter replaces one of them. */
  public static final class Builder {
    private final String nodeId;
    private final Path dataDir;
    private String listenHost = "0.0.0.0";
    private String advertiseHost = "127.0.0.1";
    private int restPort = DEFAULT_REST_PORT;
    private int grpcPort = DEFAULT_GRPC_PORT;
    private int raftPort = DEFAULT_RAFT_PORT;
    private List<String> peers = List.of();
    private boolean join;
    private String clusterName = "pensieve";
    private Settings initialSettings = Settings.DEFAULTS;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration cleanupInterval = Duration.ofSeconds(1);
    private Duration touchInterval = Duration.ofSeconds(1);
    private long snapshotEveryEntries = 100_000;
    /**
     * 4 MiB, not Ratis' 32 MiB: a node holding a million keys kept up to 32 MB of log entries
     * (32 bytes a key) on its heap after every snapshot, and read the whole open segment back at
     * each restart. An entry larger than a segment (a 4 MiB batch) still goes in one alone.
     */
    private long logSegmentBytes = DEFAULT_LOG_SEGMENT_BYTES;
    private boolean readLease;
    private Duration electionTimeoutMin = Duration.ofSeconds(1);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private Optional<TlsFiles> tls = Optional.empty();
    private AuthSettings auth = AuthSettings.OFF;
    private Set<Command.KindCase> appliedCommandKinds = CommandKinds.all();

    private Builder(String nodeId, Path dataDir) {
      this.nodeId = nodeId;
      this.dataDir = dataDir;
    }

    public Builder listenHost(String host) {
      this.listenHost = host;
      return this;
    }

    public Builder advertiseHost(String host) {
      this.advertiseHost = host;
      return this;
    }

    public Builder ports(int rest, int grpc, int raft) {
      this.restPort = rest;
      this.grpcPort = grpc;
      this.raftPort = raft;
      return this;
    }

    public Builder join(boolean join) {
      this.join = join;
      return this;
    }

    public Builder peers(List<String> peers) {
      this.peers = peers;
      return this;
    }

    public Builder clusterName(String name) {
      this.clusterName = name;
      return this;
    }

    public Builder initialSettings(Settings settings) {
      this.initialSettings = settings;
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    public Builder cleanupInterval(Duration interval) {
      this.cleanupInterval = interval;
      return this;
    }

    public Builder touchInterval(Duration interval) {
      this.touchInterval = interval;
      return this;
    }

    public Builder snapshotEveryEntries(long entries) {
      this.snapshotEveryEntries = entries;
      return this;
    }

    public Builder logSegmentBytes(long bytes) {
      this.logSegmentBytes = bytes;
      return this;
    }

    public Builder electionTimeoutMin(Duration timeout) {
      this.electionTimeoutMin = timeout;
      return this;
    }

    public Builder readLease(boolean enabled) {
      this.readLease = enabled;
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = grace;
      return this;
    }

    public Builder maxConcurrentRequests(int max) {
      this.maxConcurrentRequests = max;
      return this;
    }

    /** Turns TLS on, for every port, with these files. */
    public Builder tls(TlsFiles files) {
      this.tls = Optional.of(files);
      return this;
    }

    public String nodeId() {
      return nodeId;
    }

    public Builder auth(AuthSettings auth) {
      this.auth = auth;
      return this;
    }

    /** For tests that play an older build: a committed command of another kind halts it. */
    public Builder appliedCommandKinds(Set<Command.KindCase> kinds) {
      this.appliedCommandKinds = kinds;
      return this;
    }

    public NodeConfig build() {
      return new NodeConfig(nodeId, listenHost, advertiseHost, restPort, grpcPort, raftPort,
          peers, join, dataDir, clusterName, initialSettings, requestTimeout, cleanupInterval,
          touchInterval, snapshotEveryEntries, logSegmentBytes, electionTimeoutMin, readLease,
          shutdownGrace, maxConcurrentRequests, tls, auth, appliedCommandKinds);
    }
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }

  private static void requirePort(String name, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + port);
    }
  }

  private static void requirePositive(String name, Duration duration) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + duration);
    }
  }
}
