package io.pensieve.jepsen.nemesis;

import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import java.util.Random;

/**
 * Restarts one node (the leader or another) with its clock set minutes or an hour away from
 * the others', then restarts it on the real time. Nothing in the cluster may depend on the
 * members' clocks agreeing.
 */
final class ClockNemesis implements Nemesis {
  private static final long[] SKEWS_SECONDS = {-3600, -300, -30, -2, 2, 30, 300, 3600};

  private final LocalCluster cluster;
  private NodeProcess skewed;

  ClockNemesis(LocalCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return "clock";
  }

  @Override
  public String inject(Random random) throws Exception {
    skewed = Targets.leaderOrRandom(cluster, random);
    long seconds = SKEWS_SECONDS[random.nextInt(SKEWS_SECONDS.length)];
    String role = Targets.role(cluster, skewed);
    restartWith(skewed, seconds);
    return "restarted " + role + skewed.id() + " with its clock " + (seconds > 0 ? "+" : "")
        + seconds + " s";
  }

  @Override
  public String heal() throws Exception {
    if (skewed == null) {
      return "no clock to reset";
    }
    NodeProcess node = skewed;
    skewed = null;
    restartWith(node, 0);
    return "restarted " + node.id() + " on the real time";
  }

  private void restartWith(NodeProcess node, long seconds) throws Exception {
    node.stop();
    cluster.clocks().set(node.id(), seconds);
    node.start(cluster.peers(), false);
  }
}
