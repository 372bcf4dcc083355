package io.pensieve.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.server.NodeConfig;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.raft.RaftNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Pensieve nodes in this JVM: Ratis over loopback gRPC, Jetty and gRPC servers on
 * ephemeral ports, data in a temporary directory. A test class declares
 * {@code @RegisterExtension static final TestCluster cluster = TestCluster.perClass(3);}: the
 * cluster starts, with a leader, before the class's {@code @BeforeAll} methods and closes after
 * its {@code @AfterAll} ones.
 */
public final class TestCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private Path root;
  private final int size;
  private final Consumer<NodeConfig.Builder> tuning;
  private final Map<String, NodeConfig> configs = new LinkedHashMap<>();
  private final Map<String, PensieveNode> running = new LinkedHashMap<>();
  private List<String> peers = List.of();

  private TestCluster(int size, Consumer<NodeConfig.Builder> tuning) {
    this.size = size;
    this.tuning = tuning;
  }

  /** A cluster started once for a test class, in a temporary directory deleted after it. */
  public static TestCluster perClass(int size) {
    return perClass(size, builder -> { });
  }

  /** @param tuning applied to every node's configuration, after the test defaults */
  public static TestCluster perClass(int size, Consumer<NodeConfig.Builder> tuning) {
    return new TestCluster(size, tuning);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    root = Files.createTempDirectory("pensieve-cluster-");
    try {
      startAll();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    close();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private void startAll() throws Exception {
    for (int i = 1; i <= size; i++) {
      open(configFor("n" + i));
    }
    peers = running.values().stream()
        .map(n -> n.info().id() + "=" + n.info().raftAddress())
        .collect(Collectors.toList());
    for (PensieveNode node : running.values()) {
      node.join(peers);
    }
    awaitLeader();
  }

  private NodeConfig.Builder configFor(String id) {
    NodeConfig.Builder builder = NodeConfig.builder(id, root.resolve(id))
        .listenHost("127.0.0.1")
        .advertiseHost("127.0.0.1")
        .ports(0, 0, 0)
        .electionTimeoutMin(Duration.ofMillis(500))
        .requestTimeout(Duration.ofSeconds(5))
        .shutdownGrace(Duration.ofSeconds(5));
    tuning.accept(builder);
    return builder;
  }

  private PensieveNode open(NodeConfig.Builder builder) throws Exception {
    NodeConfig config = builder.build();
    PensieveNode node = PensieveNode.open(config);
    running.put(config.nodeId(), node);
    // a restart binds the same ports again
    configs.put(config.nodeId(),
        builder.ports(node.restPort(), node.grpcPort(), node.raftPort()).build());
    return node;
  }

  /**
   * Starts a node as {@code pensieve --join} does: a member of nothing, waiting for a leader to
   * add it ({@code Admin.AddMember} with its {@code info().raftAddress()}).
   */
  public PensieveNode startJoining(String id) throws Exception {
    return startJoining(id, builder -> { });
  }

  /** @param override applied after the cluster's own tuning, to this node only */
  public PensieveNode startJoining(String id, Consumer<NodeConfig.Builder> override)
      throws Exception {
    if (running.containsKey(id) || configs.containsKey(id)) {
      throw new IllegalStateException(id + " exists already");
    }
    NodeConfig.Builder builder = configFor(id).join(true);
    override.accept(builder);
    PensieveNode node = open(builder);
    node.join(List.of());
    return node;
  }

  public PensieveNode node(String id) {
    PensieveNode node = running.get(id);
    if (node == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return node;
  }

  public List<PensieveNode> nodes() {
    return new ArrayList<>(running.values());
  }

  /** Waits until every running node agrees on a running leader, and returns it. */
  public PensieveNode awaitLeader() {
    return await("a leader all running nodes agree on").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(this::agreedLeader, leader -> leader != null);
  }

  /** The leader that every running member names; nodes waiting to join or removed aside. */
  private PensieveNode agreedLeader() {
    String leader = null;
    for (PensieveNode node : members()) {
      String seen = node.raft().leaderId().map(Object::toString).orElse(null);
      if (seen == null || (leader != null && !leader.equals(seen))) {
        return null;
      }
      leader = seen;
    }
    PensieveNode node = running.get(leader);
    return node != null && node.raft().isLeader() ? node : null;
  }

  /** The running nodes that are in the cluster's configuration. */
  public List<PensieveNode> members() {
    return running.values().stream().filter(n -> n.raft().isMember())
        .collect(Collectors.toList());
  }

  public List<PensieveNode> followers() {
    PensieveNode leader = awaitLeader();
    return members().stream().filter(n -> n != leader).collect(Collectors.toList());
  }

  /** A node that is not the leader. */
  public PensieveNode follower() {
    return followers().get(0);
  }

  /**
   * Hands the lead to {@code target}, asking through {@code via}'s view of the group, and waits
   * until every member follows it.
   */
  public void transferLeadership(PensieveNode via, String target) throws IOException {
    try (RaftClient admin = raftClientOf(via.raft())) {
      assertThat(admin.admin().transferLeadership(RaftPeerId.valueOf(target), 10_000).isSuccess())
          .as("leadership moved to %s", target).isTrue();
    }
    await("every member follows " + target).atMost(Duration.ofSeconds(30))
        .until(() -> awaitLeader().info().id().equals(target));
  }

  /** A Raft client of the group as {@code member} sees it, with Ratis' default settings. */
  public static RaftClient raftClientOf(RaftNode member) {
    return RaftClient.newBuilder().setProperties(new RaftProperties())
        .setRaftGroup(member.division().getGroup()).build();
  }

  /** Stops a node (its data stays); {@link #restart} brings it back on the same ports. */
  public void stop(String id) {
    PensieveNode node = running.remove(id);
    if (node != null) {
      node.close();
    }
  }

  public PensieveNode restart(String id) throws Exception {
    if (running.containsKey(id)) {
      throw new IllegalStateException(id + " is running");
    }
    PensieveNode node = PensieveNode.open(configs.get(id));
    node.join(peers);
    running.put(id, node);
    return node;
  }

  @Override
  public void close() {
    for (PensieveNode node : running.values()) {
      node.close();
    }
    running.clear();
  }
}
