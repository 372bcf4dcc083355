package io.pensieve.server;

import io.pensieve.api.EvictionPolicyNames;
import io.pensieve.api.RequestLimits;
import io.pensieve.api.auth.TokenLifetime;
import io.pensieve.server.auth.AuthSettings;
import io.pensieve.server.logging.LogOptions;
import io.pensieve.server.tls.TlsFiles;
import io.pensieve.statemachine.SettingsMapping;
import io.pensieve.store.RequestBounds;
import io.pensieve.store.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pensieve}: runs one node. Every flag has an environment fallback ({@code
 * PENSIEVE_...}); the Pensieve seed's {@code NODE_ID}, {@code PORT} and {@code PEERS} and the
 * Mini Redis seed's {@code CACHE_MAX_ENTRIES} and {@code CACHE_DEFAULT_TTL} work too.
 */
@Command(name = "pensieve", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Runs a Pensieve node: a Raft-replicated key-value store and cache.",
    footer = {"", "Examples:",
        "  pensieve --node-id n1 --peers n1=127.0.0.1:10001,n2=127.0.0.1:10002,n3=127.0.0.1:10003 \\",
        "           --port 8001 --grpc-port 9001 --raft-port 10001 --data-dir data/n1",
        "  NODE_ID=1 PORT=8001 PEERS=http://node2:8002,http://node3:8003 pensieve",
        "  pensieve --node-id n4 --join --port 8004 --grpc-port 9004 --raft-port 10004 \\",
        "           --data-dir data/n4   # then: pvctl member add n4 127.0.0.1:10004",
        "  pensieve ... --tls-cert n1.pem --tls-key n1-key.pem --tls-ca ca.pem",
        "           # TLS on every port; deploy/tls/make-dev-certs.sh makes test certificates"})
public final class PensieveMain implements Callable<Integer> {

  @Option(names = "--node-id", paramLabel = "ID",
      defaultValue = "${env:PENSIEVE_NODE_ID:-${env:NODE_ID:-n1}}",
      description = "This member's id (env PENSIEVE_NODE_ID or NODE_ID). Default: ${DEFAULT-VALUE}")
  String nodeId;

  @Option(names = "--listen-host", paramLabel = "HOST",
      defaultValue = "${env:PENSIEVE_LISTEN_HOST:-0.0.0.0}",
      description = "Address every port binds to (env PENSIEVE_LISTEN_HOST). Default: ${DEFAULT-VALUE}")
  String listenHost;

  @Option(names = "--advertise-host", paramLabel = "HOST",
      defaultValue = "${env:PENSIEVE_ADVERTISE_HOST:-127.0.0.1}",
      description = "Host other members and clients reach this node at "
          + "(env PENSIEVE_ADVERTISE_HOST). Default: ${DEFAULT-VALUE}")
  String advertiseHost;

  @Option(names = {"--port", "--rest-port"}, paramLabel = "PORT",
      defaultValue = "${env:PENSIEVE_PORT:-${env:PORT:-7878}}",
      description = "REST port (env PENSIEVE_PORT or PORT). Default: ${DEFAULT-VALUE}")
  int restPort;

  @Option(names = "--grpc-port", paramLabel = "PORT",
      defaultValue = "${env:PENSIEVE_GRPC_PORT:-7879}",
      description = "gRPC port (env PENSIEVE_GRPC_PORT). Default: ${DEFAULT-VALUE}")
  int grpcPort;

  @Option(names = "--raft-port", paramLabel = "PORT",
      defaultValue = "${env:PENSIEVE_RAFT_PORT:-7880}",
      description = "Raft peer port (env PENSIEVE_RAFT_PORT). Default: ${DEFAULT-VALUE}")
  int raftPort;

  @Option(names = "--peers", paramLabel = "PEERS",
      defaultValue = "${env:PENSIEVE_PEERS:-${env:PEERS:-}}",
      description = "Comma-separated members: id=host:raftPort, or other nodes' REST URLs "
          + "(http://host:port) (env PENSIEVE_PEERS or PEERS). Empty: a one-node cluster.")
  String peers;

  @Option(names = "--join", negatable = true, paramLabel = "BOOLEAN",
      defaultValue = "${env:PENSIEVE_JOIN:-false}", fallbackValue = "true",
      description = "Start as no cluster's member and wait to be added to a running one "
          + "(pvctl member add ID HOST:RAFT_PORT); give no --peers (env PENSIEVE_JOIN).")
  boolean join;

  @Option(names = "--data-dir", paramLabel = "DIR",
      defaultValue = "${env:PENSIEVE_DATA_DIR:-}",
      description = "Raft log and snapshots (env PENSIEVE_DATA_DIR). Default: data/<node-id>")
  String dataDir;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      defaultValue = "${env:PENSIEVE_CLUSTER_NAME:-pensieve}",
      description = "Names the Raft group (env PENSIEVE_CLUSTER_NAME). Default: ${DEFAULT-VALUE}")
  String clusterName;

  @Option(names = "--max-entries", paramLabel = "N",
      defaultValue = "${env:PENSIEVE_MAX_ENTRIES:-${env:CACHE_MAX_ENTRIES:-0}}",
      description = "Initial cluster setting: most entries held, 0 = unlimited "
          + "(env PENSIEVE_MAX_ENTRIES or CACHE_MAX_ENTRIES). Default: ${DEFAULT-VALUE}")
  long maxEntries;

  @Option(names = "--max-bytes", paramLabel = "BYTES",
      defaultValue = "${env:PENSIEVE_MAX_BYTES:-0}",
      description = "Initial cluster setting: most bytes held (key + value + 64 per entry), "
          + "0 = unlimited (env PENSIEVE_MAX_BYTES). Default: ${DEFAULT-VALUE}")
  long maxBytes;

  @Option(names = "--eviction-policy", paramLabel = "POLICY",
      defaultValue = "${env:PENSIEVE_EVICTION_POLICY:-lru}",
      description = "Initial cluster setting: lru or noeviction "
          + "(env PENSIEVE_EVICTION_POLICY). Default: ${DEFAULT-VALUE}")
  String evictionPolicy;

  @Option(names = "--default-ttl", paramLabel = "SECONDS",
      defaultValue = "${env:PENSIEVE_DEFAULT_TTL:-${env:CACHE_DEFAULT_TTL:-0}}",
      description = "Initial cluster setting: TTL of writes that give none, 0 = never expire "
          + "(env PENSIEVE_DEFAULT_TTL or CACHE_DEFAULT_TTL). Default: ${DEFAULT-VALUE}")
  long defaultTtlSeconds;

  @Option(names = "--max-key-bytes", paramLabel = "BYTES",
      defaultValue = "${env:PENSIEVE_MAX_KEY_BYTES:-1024}",
      description = "Initial cluster setting: longest key (env PENSIEVE_MAX_KEY_BYTES). "
          + "Default: ${DEFAULT-VALUE}")
  int maxKeyBytes;

  @Option(names = "--max-value-bytes", paramLabel = "BYTES",
      defaultValue = "${env:PENSIEVE_MAX_VALUE_BYTES:-1048576}",
      description = "Initial cluster setting: longest value (env PENSIEVE_MAX_VALUE_BYTES). "
          + "Default: ${DEFAULT-VALUE}")
  int maxValueBytes;

  @Option(names = "--max-range-entries", paramLabel = "N",
      defaultValue = "${env:PENSIEVE_MAX_RANGE_ENTRIES:-0}",
      description = "Initial cluster setting: entries per range reply and the largest limit, "
          + "1.." + RequestLimits.MAX_RANGE_ENTRIES + ", 0 = " + RequestLimits.DEFAULT_RANGE_ENTRIES
          + " (env PENSIEVE_MAX_RANGE_ENTRIES). Default: ${DEFAULT-VALUE}")
  int maxRangeEntries;

  @Option(names = "--max-range-bytes", paramLabel = "BYTES",
      defaultValue = "${env:PENSIEVE_MAX_RANGE_BYTES:-0}",
      description = "Initial cluster setting: bytes of keys and values per range reply, "
          + RequestLimits.MIN_RANGE_BYTES + ".." + RequestLimits.MAX_RANGE_BYTES + ", 0 = "
          + RequestLimits.DEFAULT_RANGE_BYTES + " (env PENSIEVE_MAX_RANGE_BYTES). "
          + "Default: ${DEFAULT-VALUE}")
  long maxRangeBytes;

  @Option(names = "--max-delete-range-keys", paramLabel = "N",
      defaultValue = "${env:PENSIEVE_MAX_DELETE_RANGE_KEYS:-0}",
      description = "Initial cluster setting: keys one delete-range may remove, "
          + "1.." + RequestLimits.MAX_DELETE_RANGE_KEYS + ", 0 = "
          + RequestLimits.DEFAULT_DELETE_RANGE_KEYS + " (env PENSIEVE_MAX_DELETE_RANGE_KEYS). "
          + "Default: ${DEFAULT-VALUE}")
  int maxDeleteRangeKeys;

  @Option(names = "--max-txn-ops", paramLabel = "N",
      defaultValue = "${env:PENSIEVE_MAX_TXN_OPS:-0}",
      description = "Initial cluster setting: ops in one transaction, "
          + "1.." + RequestLimits.MAX_TXN_OPS + ", 0 = " + RequestLimits.DEFAULT_TXN_OPS
          + " (env PENSIEVE_MAX_TXN_OPS). Default: ${DEFAULT-VALUE}")
  int maxTxnOps;

  @Option(names = "--max-leases", paramLabel = "N",
      defaultValue = "${env:PENSIEVE_MAX_LEASES:-0}",
      description = "Initial cluster setting: leases held at once, "
          + "1.." + RequestLimits.MAX_LEASES + ", 0 = " + RequestLimits.DEFAULT_LEASES
          + " (env PENSIEVE_MAX_LEASES). Default: ${DEFAULT-VALUE}")
  int maxLeases;

  @Option(names = "--request-timeout", paramLabel = "MILLIS",
      defaultValue = "${env:PENSIEVE_REQUEST_TIMEOUT_MS:-10000}",
      description = "After this, a write's outcome is reported unknown "
          + "(env PENSIEVE_REQUEST_TIMEOUT_MS). Default: ${DEFAULT-VALUE}")
  long requestTimeoutMillis;

  @Option(names = "--cleanup-interval", paramLabel = "MILLIS",
      defaultValue = "${env:PENSIEVE_CLEANUP_INTERVAL_MS:-1000}",
      description = "How often the leader removes expired entries "
          + "(env PENSIEVE_CLEANUP_INTERVAL_MS). Default: ${DEFAULT-VALUE}")
  long cleanupIntervalMillis;

  @Option(names = "--touch-interval", paramLabel = "MILLIS",
      defaultValue = "${env:PENSIEVE_TOUCH_INTERVAL_MS:-1000}",
      description = "How often reads are replicated into LRU order "
          + "(env PENSIEVE_TOUCH_INTERVAL_MS). Default: ${DEFAULT-VALUE}")
  long touchIntervalMillis;

  @Option(names = "--snapshot-every", paramLabel = "ENTRIES",
      defaultValue = "${env:PENSIEVE_SNAPSHOT_EVERY:-100000}",
      description = "Log entries between automatic snapshots (env PENSIEVE_SNAPSHOT_EVERY). "
          + "Default: ${DEFAULT-VALUE}")
  long snapshotEvery;

  @Option(names = "--election-timeout", paramLabel = "MILLIS",
      defaultValue = "${env:PENSIEVE_ELECTION_TIMEOUT_MS:-1000}",
      description = "Shortest election timeout; the longest is twice it "
          + "(env PENSIEVE_ELECTION_TIMEOUT_MS). Default: ${DEFAULT-VALUE}")
  long electionTimeoutMillis;

  @Option(names = "--read-lease", negatable = true, paramLabel = "BOOLEAN",
      defaultValue = "${env:PENSIEVE_READ_LEASE:-false}", fallbackValue = "true",
      description = "A leader answers linearizable reads within its lease, without a heartbeat "
          + "round: faster, but safe only while no pause or clock-rate drift outlasts 90% of "
          + "the election timeout (env PENSIEVE_READ_LEASE). Default: ${DEFAULT-VALUE}")
  boolean readLease;

  @Option(names = "--max-concurrent-requests", paramLabel = "N",
      defaultValue = "${env:PENSIEVE_MAX_CONCURRENT_REQUESTS:-10000}",
      description = "REST and gRPC requests served at once; more are refused with 503 "
          + "(env PENSIEVE_MAX_CONCURRENT_REQUESTS). Default: ${DEFAULT-VALUE}")
  int maxConcurrentRequests;

  @Option(names = "--log-level", paramLabel = "LEVEL",
      defaultValue = "${env:PENSIEVE_LOG_LEVEL:-info}",
      description = "trace, debug, info, warn, error or off (env PENSIEVE_LOG_LEVEL). "
          + "Default: ${DEFAULT-VALUE}")
  String logLevel;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      defaultValue = "${env:PENSIEVE_LOG_FORMAT:-text}",
      description = "text, or json for one JSON object per line (env PENSIEVE_LOG_FORMAT). "
          + "Default: ${DEFAULT-VALUE}")
  String logFormat;

  @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:PENSIEVE_TLS_CERT:-}",
      description = "This node's PEM certificate chain, presented on every port; with "
          + "--tls-key and --tls-ca it turns TLS on (env PENSIEVE_TLS_CERT). Default: plaintext")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:PENSIEVE_TLS_KEY:-}",
      description = "The certificate's private key, PKCS#8 PEM (env PENSIEVE_TLS_KEY)")
  String tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE", defaultValue = "${env:PENSIEVE_TLS_CA:-}",
      description = "PEM CA bundle: peers' certificates must chain to it (mutual TLS between "
          + "nodes), and this node trusts it when it calls peers (env PENSIEVE_TLS_CA)")
  String tlsCa;

  @Option(names = "--auth", negatable = true, paramLabel = "BOOLEAN",
      defaultValue = "${env:PENSIEVE_AUTH:-false}", fallbackValue = "true",
      description = "Require a JWT bearer token on every request but /health, /ready, /metrics,"
          + " /v1/node, /login and gRPC health and reflection; give one key below"
          + " (env PENSIEVE_AUTH). Default: off")
  boolean auth;

  @Option(names = "--auth-secret-file", paramLabel = "FILE",
      defaultValue = "${env:PENSIEVE_AUTH_SECRET_FILE:-}",
      description = "HS256: the shared secret, at least 32 bytes; a trailing newline is"
          + " ignored (env PENSIEVE_AUTH_SECRET_FILE). Make one: openssl rand -base64 48")
  String authSecretFile;

  @Option(names = "--auth-public-key", paramLabel = "PEM",
      defaultValue = "${env:PENSIEVE_AUTH_PUBLIC_KEY:-}",
      description = "RS256: the RSA public key tokens are verified with, PEM 'BEGIN PUBLIC"
          + " KEY', 2048 bits or more (env PENSIEVE_AUTH_PUBLIC_KEY)")
  String authPublicKey;

  @Option(names = "--auth-private-key", paramLabel = "PEM",
      defaultValue = "${env:PENSIEVE_AUTH_PRIVATE_KEY:-}",
      description = "RS256: the matching private key, PEM PKCS#8 'BEGIN PRIVATE KEY', so that"
          + " /login can issue tokens (env PENSIEVE_AUTH_PRIVATE_KEY)")
  String authPrivateKey;

  @Option(names = "--auth-users-file", paramLabel = "FILE",
      defaultValue = "${env:PENSIEVE_AUTH_USERS_FILE:-}",
      description = "Users POST /login accepts, one 'name:roles:bcrypt-hash' a line"
          + " (pvctl user hash prints one) (env PENSIEVE_AUTH_USERS_FILE). None: no /login")
  String authUsersFile;

  @Option(names = "--auth-token-ttl", paramLabel = "DURATION",
      defaultValue = "${env:PENSIEVE_AUTH_TOKEN_TTL:-1h}",
      description = "How long a token from /login is valid, like 30m, 1h, 1d; at most 7d"
          + " (env PENSIEVE_AUTH_TOKEN_TTL). Default: ${DEFAULT-VALUE}")
  String authTokenTtl;

  /**
   * The exit status of a node stopped (by SIGTERM) after its state machine halted at a log
   * entry it could not apply. Not 3: the JVM exits 3 when out of memory, as the launcher asks
   * it to. 70 is {@code EX_SOFTWARE} of sysexits.h, "an internal software error".
   */
  public static final int EXIT_HALTED = 70;

  /**
   * Runs the node until SIGTERM. A node whose state machine halts stays up, refusing requests
   * and saying why on {@code /health}, {@code /ready} and its metrics; stopped, it exits
   * {@link #EXIT_HALTED} rather than 143, so that a supervisor can tell it from a clean stop.
   */
  @Override
  public Integer call() throws Exception {
    LogOptions.apply(logLevel, logFormat);
    return serve(config());
  }

  /** Runs a node until SIGTERM, exiting as {@link #call} says. */
  static int serve(NodeConfig config) throws Exception {
    PensieveNode node = PensieveNode.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      // the JVM exits 128 + the signal's number whatever call() returns; halt() overrides it
      node.halt().ifPresent(halt -> Runtime.getRuntime().halt(EXIT_HALTED));
      stopped.countDown();
    }, "pensieve-shutdown"));
    stopped.await();
    return 0;
  }

  NodeConfig config() {
    return configBuilder().build();
  }

  /** The node these flags describe, as a builder that a test may tune further. */
  NodeConfig.Builder configBuilder() {
    Settings settings = new Settings(maxEntries, maxBytes, SettingsMapping.fromProto(
        EvictionPolicyNames.parse("--eviction-policy", evictionPolicy)),
        Math.multiplyExact(defaultTtlSeconds, 1000), maxKeyBytes, maxValueBytes,
        new RequestBounds(maxRangeEntries, maxRangeBytes, maxDeleteRangeKeys, maxTxnOps,
            maxLeases));
    List<String> peerList = peers.isBlank() ? List.of() : Arrays.asList(peers.split(","));
    NodeConfig.Builder builder = NodeConfig.builder(nodeId,
            Path.of(dataDir.isBlank() ? "data/" + nodeId : dataDir))
        .listenHost(listenHost)
        .advertiseHost(advertiseHost)
        .ports(restPort, grpcPort, raftPort)
        .peers(peerList)
        .join(join)
        .clusterName(clusterName)
        .initialSettings(settings)
        .requestTimeout(Duration.ofMillis(requestTimeoutMillis))
        .cleanupInterval(Duration.ofMillis(cleanupIntervalMillis))
        .touchInterval(Duration.ofMillis(touchIntervalMillis))
        .snapshotEveryEntries(snapshotEvery)
        .electionTimeoutMin(Duration.ofMillis(electionTimeoutMillis))
        .readLease(readLease)
        .maxConcurrentRequests(maxConcurrentRequests)
        .auth(authSettings());
    tlsFiles().ifPresent(builder::tls);
    return builder;
  }

  /** All three TLS files, or none (plaintext). */
  private Optional<TlsFiles> tlsFiles() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("--tls-cert", tlsCert);
    given.put("--tls-key", tlsKey);
    given.put("--tls-ca", tlsCa);
    List<String> missing = given.entrySet().stream().filter(e -> e.getValue().isBlank())
        .map(Map.Entry::getKey).toList();
    if (missing.size() == given.size()) {
      return Optional.empty();
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("TLS needs --tls-cert, --tls-key and --tls-ca together"
          + " (or PENSIEVE_TLS_CERT, _KEY, _CA); missing " + String.join(", ", missing));
    }
    return Optional.of(new TlsFiles(Path.of(tlsCert), Path.of(tlsKey), Path.of(tlsCa)));
  }

  private AuthSettings authSettings() {
    return new AuthSettings(auth, path(authSecretFile), path(authPublicKey),
        path(authPrivateKey), path(authUsersFile), TokenLifetime.parse(authTokenTtl));
  }

  private static Optional<Path> path(String text) {
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(Path.of(text));
  }

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new PensieveMain());
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        cmd.getErr().println("pensieve: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    int code = commandLine.execute(args);
    // Ratis leaves non-daemon threads behind when start fails; exit explicitly.
    System.exit(code);
  }
}
