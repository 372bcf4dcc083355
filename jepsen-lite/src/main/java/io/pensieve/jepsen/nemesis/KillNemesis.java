package io.pensieve.jepsen.nemesis;

import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import java.util.Random;

/** kill -9 of the leader or a random node; healed by starting it again on the same data. */
final class KillNemesis implements Nemesis {
  private final LocalCluster cluster;
  private NodeProcess killed;

  KillNemesis(LocalCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return "kill";
  }

  @Override
  public String inject(Random random) throws Exception {
    killed = Targets.leaderOrRandom(cluster, random);
    String role = Targets.role(cluster, killed);
    killed.kill();
    return "kill -9 " + role + killed.id();
  }

  @Override
  public String heal() throws Exception {
    if (killed == null) {
      return "nothing to restart";
    }
    NodeProcess node = killed;
    killed = null;
    node.start(cluster.peers(), false);
    return "restarted " + node.id();
  }
}
