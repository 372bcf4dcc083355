package io.pensieve.jepsen.nemesis;

import io.grpc.StatusRuntimeException;
import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import io.pensieve.proto.v1.TransferLeaderRequest;
import java.util.List;
import java.util.Random;

/** Moves leadership to another member, asking any node (which forwards to the leader). */
final class TransferNemesis implements Nemesis {
  private final LocalCluster cluster;

  TransferNemesis(LocalCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return "transfer";
  }

  @Override
  public String inject(Random random) {
    String leader = cluster.leader().orElse("");
    List<NodeProcess> others = cluster.nodes().stream()
        .filter(n -> !n.id().equals(leader) && n.alive()).toList();
    NodeProcess target = others.get(random.nextInt(others.size()));
    NodeProcess via = Targets.any(cluster, random);
    try {
      cluster.admin(via).transferLeader(TransferLeaderRequest.newBuilder()
          .setId(target.id()).build());
      return "leadership " + leader + " -> " + target.id() + " (asked " + via.id() + ")";
    } catch (StatusRuntimeException e) {
      return "transfer to " + target.id() + " refused: " + e.getStatus();
    }
  }

  @Override
  public String heal() {
    return "nothing to heal";
  }
}
