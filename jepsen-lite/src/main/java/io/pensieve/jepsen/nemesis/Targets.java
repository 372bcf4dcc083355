package io.pensieve.jepsen.nemesis;

import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import java.util.List;
import java.util.Random;

/** Picks the node a fault hits: the leader as some node sees it, or any running node. */
final class Targets {
  private Targets() {}

  static NodeProcess leaderOrRandom(LocalCluster cluster, Random random) {
    boolean leader = random.nextBoolean();
    if (leader) {
      var id = cluster.leader();
      if (id.isPresent()) {
        return cluster.node(id.get());
      }
    }
    return any(cluster, random);
  }

  static NodeProcess any(LocalCluster cluster, Random random) {
    List<NodeProcess> alive = cluster.nodes().stream().filter(NodeProcess::alive).toList();
    List<NodeProcess> from = alive.isEmpty() ? cluster.nodes() : alive;
    return from.get(random.nextInt(from.size()));
  }

  static String role(LocalCluster cluster, NodeProcess node) {
    return cluster.leader().filter(node.id()::equals).isPresent() ? "leader " : "";
  }
}
