package io.pensieve.jepsen.nemesis;

import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import java.util.Random;

/** SIGSTOP of the leader or a random node, then SIGCONT: a process frozen with its sockets up. */
final class PauseNemesis implements Nemesis {
  private final LocalCluster cluster;
  private NodeProcess paused;

  PauseNemesis(LocalCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return "pause";
  }

  @Override
  public String inject(Random random) throws Exception {
    paused = Targets.leaderOrRandom(cluster, random);
    String role = Targets.role(cluster, paused);
    paused.pause();
    return "SIGSTOP " + role + paused.id();
  }

  @Override
  public String heal() throws Exception {
    if (paused == null) {
      return "nothing to resume";
    }
    NodeProcess node = paused;
    paused = null;
    node.resume();
    return "SIGCONT " + node.id();
  }
}
