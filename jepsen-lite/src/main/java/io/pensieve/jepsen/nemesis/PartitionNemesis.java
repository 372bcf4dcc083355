package io.pensieve.jepsen.nemesis;

import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Network partitions between nodes, which all keep running and serving their clients: the
 * leader cut off from everyone, the cluster split into a majority and a minority, or a bridge
 * (two halves that each see one node in the middle, but not each other).
 */
final class PartitionNemesis implements Nemesis {
  /** Which partitions to make; {@code ANY} picks one of the others each time. */
  enum Shape { ANY, LEADER, HALVES, BRIDGE }

  private final LocalCluster cluster;
  private final Shape shape;

  PartitionNemesis(LocalCluster cluster, Shape shape) {
    this.cluster = cluster;
    this.shape = shape;
  }

  @Override
  public String name() {
    return shape == Shape.ANY ? "partition"
        : "partition-" + shape.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  @SuppressWarnings("EnumOrdinal") // Shape lists ANY, then the kinds in nextInt(3)'s numbering
  public String inject(Random random) {
    List<String> ids = new ArrayList<>(cluster.nodes().stream().map(NodeProcess::id).toList());
    Collections.shuffle(ids, random);
    int kind = shape == Shape.ANY ? random.nextInt(3) : shape.ordinal() - 1;
    List<List<String>> groups;
    String what;
    if (kind == 0 && cluster.leader().isPresent()) {
      String leader = cluster.leader().get();
      ids.remove(leader);
      groups = List.of(List.of(leader), ids);
      what = "isolate leader";
    } else if (kind == 1 || ids.size() < 3) {
      int minority = (ids.size() - 1) / 2;
      groups = List.of(ids.subList(0, minority), ids.subList(minority, ids.size()));
      what = "majority/minority";
    } else {
      int middle = ids.size() / 2;
      groups = List.of(ids.subList(0, middle + 1), ids.subList(middle, ids.size()));
      what = "bridge through " + ids.get(middle);
    }
    cluster.network().partition(groups);
    return what + " " + groups;
  }

  @Override
  public String heal() {
    cluster.network().heal();
    return "network healed";
  }
}
