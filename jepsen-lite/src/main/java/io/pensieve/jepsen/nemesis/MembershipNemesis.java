package io.pensieve.jepsen.nemesis;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import io.pensieve.jepsen.cluster.Poll;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.RemoveMemberRequest;
import io.pensieve.proto.v1.StatusRequest;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Removes a member (the leader or another), then adds it back: as an operator replaces a node,
 * it starts again empty, waiting to be added, and catches up from the others.
 */
final class MembershipNemesis implements Nemesis {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final LocalCluster cluster;
  private NodeProcess removed;

  MembershipNemesis(LocalCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return "member";
  }

  @Override
  public String inject(Random random) {
    NodeProcess target = Targets.leaderOrRandom(cluster, random);
    String role = Targets.role(cluster, target);
    NodeProcess via = other(target, random);
    try {
      cluster.admin(via).removeMember(RemoveMemberRequest.newBuilder().setId(target.id())
          .build());
      removed = target;
      return "removed " + role + target.id() + " (asked " + via.id() + ")";
    } catch (StatusRuntimeException e) {
      return "removing " + target.id() + " refused: " + e.getStatus();
    }
  }

  @Override
  public String heal() throws Exception {
    if (removed == null) {
      return "no member to add back";
    }
    NodeProcess node = removed;
    node.stop();
    node.wipe();
    node.start(cluster.peers(), true);
    if (!Poll.until(PATIENCE, () -> answers(node))) {
      return "could not add " + node.id() + " back: it did not start";
    }
    String refusal = "";
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() - deadline < 0) {
      NodeProcess via = other(node, new Random());
      try {
        cluster.admin(via).addMember(AddMemberRequest.newBuilder().setId(node.id())
            .setRaftAddress(node.raftAddress()).build());
        removed = null;
        return "added " + node.id() + " back, empty (asked " + via.id() + ")";
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
          // an earlier attempt landed after its deadline had passed: the node is back
          removed = null;
          return "added " + node.id() + " back, empty (" + (refusal.isEmpty()
              ? "it already was" : "an attempt that failed with " + refusal + " had landed") + ")";
        }
        refusal = e.getStatus().toString();
        Thread.sleep(500);
      }
    }
    return "could not add " + node.id() + " back: " + refusal;
  }

  private NodeProcess other(NodeProcess target, Random random) {
    List<NodeProcess> others = cluster.nodes().stream()
        .filter(n -> n != target && n.alive()).toList();
    return others.get(random.nextInt(others.size()));
  }

  private boolean answers(NodeProcess node) {
    try {
      cluster.admin(node).status(StatusRequest.getDefaultInstance());
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }
}
