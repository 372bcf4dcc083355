package io.pensieve.jepsen.cluster;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.pensieve.client.PensieveClient;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.StatusRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A fresh cluster of node processes on loopback, the network between them, and an admin
 * channel to each for the runner's own questions (who leads, is everyone caught up).
 */
public final class LocalCluster implements AutoCloseable {
  private static final Duration ADMIN_DEADLINE = Duration.ofSeconds(5);

  private final List<NodeProcess> nodes;
  private final Network network;
  private final ClockSkew clocks;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, PensieveClient> clients = new ConcurrentHashMap<>();

  private LocalCluster(List<NodeProcess> nodes, Network network, ClockSkew clocks) {
    this.nodes = nodes;
    this.network = network;
    this.clocks = clocks;
  }

  /**
   * Creates {@code size} nodes under {@code dir} and their network, and starts them.
   *
   * @param launcher the node's launcher, {@code bin/pensieve} of a tree holding its jars
   * @param faketime libfaketime, when clocks are to be skewed
   */
  public static LocalCluster start(int size, Path dir, Path launcher,
                                   Optional<Path> faketime) throws IOException {
    ClockSkew clocks = faketime.map(ClockSkew::through).orElseGet(ClockSkew::none);
    List<NodeProcess> nodes = new ArrayList<>();
    Set<Integer> taken = new HashSet<>();
    for (int i = 1; i <= size; i++) {
      String id = "n" + i;
      nodes.add(new NodeProcess(id, new NodeProcess.Ports(freePort(taken), freePort(taken),
          freePort(taken)), dir.resolve(id), launcher, clocks));
    }
    LocalCluster cluster = new LocalCluster(List.copyOf(nodes), Network.connect(nodes), clocks);
    for (NodeProcess node : nodes) {
      node.start(cluster.peers(), false);
    }
    return cluster;
  }

  private static int freePort(Set<Integer> taken) throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (taken.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      }
    }
  }

  /** The founding members, as the node's {@code --peers} flag takes them. */
  public String peers() {
    return nodes.stream().map(n -> n.id() + "=" + n.raftAddress())
        .collect(Collectors.joining(","));
  }

  public List<NodeProcess> nodes() {
    return nodes;
  }

  public NodeProcess node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  public Network network() {
    return network;
  }

  public ClockSkew clocks() {
    return clocks;
  }

  /** An admin stub for one node, with a short deadline. */
  public AdminGrpc.AdminBlockingStub admin(NodeProcess node) {
    return AdminGrpc.newBlockingStub(channel(node))
        .withDeadlineAfter(ADMIN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  public ManagedChannel channel(NodeProcess node) {
    return channels.computeIfAbsent(node.id(), id -> ManagedChannelBuilder
        .forTarget(node.grpcAddress()).usePlaintext().build());
  }

  /**
   * The client of one node's KV service that the workload's clients of that node share: each
   * call sent once, to that node only, so the history says which node served it.
   *
   * @param deadline of each call; the first call for a node fixes it
   */
  public PensieveClient client(NodeProcess node, Duration deadline) {
    return clients.computeIfAbsent(node.id(), id -> PensieveClient.builder()
        .endpoints(node.grpcAddress()).deadline(deadline).maxAttempts(1).build());
  }

  /** The leader as some running node sees it, if one is known. */
  public Optional<String> leader() {
    for (NodeProcess node : nodes) {
      if (!node.alive()) {
        continue;
      }
      try {
        ClusterResponse cluster = admin(node).listMembers(ClusterRequest.getDefaultInstance());
        if (!cluster.getLeaderId().isEmpty()) {
          return Optional.of(cluster.getLeaderId());
        }
      } catch (StatusRuntimeException e) {
        // paused, cut off or not a member: ask another
      }
    }
    return Optional.empty();
  }

  /**
   * Whether every node runs, is a member, follows one leader, and has applied at least what
   * that leader had committed when asked first. (A node's own commit index is not enough: a
   * follower the leader cannot append to believes itself up to date.)
   */
  public boolean healthy() {
    Optional<String> leader = leader();
    if (leader.isEmpty() || nodes.stream().anyMatch(n -> !n.alive())) {
      return false;
    }
    try {
      long committed = admin(node(leader.get())).status(StatusRequest.getDefaultInstance())
          .getCommitIndex();
      for (NodeProcess node : nodes) {
        NodeStatus status = admin(node).status(StatusRequest.getDefaultInstance());
        if (!status.getMember() || !leader.get().equals(status.getLeaderId())
            || status.getAppliedIndex() < committed) {
          return false;
        }
      }
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      try {
        node.resume();
        node.kill();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
    clients.values().forEach(PensieveClient::close);
    network.close();
  }
}
