package io.pensieve.jepsen.nemesis;

import io.pensieve.jepsen.cluster.LocalCluster;
import java.util.ArrayList;
import java.util.List;

/** The nemeses by name, as {@code --nemesis} lists them. */
public final class Nemeses {
  /** Every name, in the order {@code all} stands for. */
  public static final List<String> NAMES =
      List.of("kill", "pause", "partition", "transfer", "member", "clock");
  /** Partitions of one shape only. */
  public static final List<String> PARTITION_SHAPES =
      List.of("partition-leader", "partition-halves", "partition-bridge");

  private Nemeses() {}

  public static List<Nemesis> named(List<String> names, LocalCluster cluster) {
    List<Nemesis> nemeses = new ArrayList<>();
    for (String name : names.contains("all") ? NAMES : names) {
      nemeses.add(switch (name) {
        case "kill" -> new KillNemesis(cluster);
        case "pause" -> new PauseNemesis(cluster);
        case "partition" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.ANY);
        case "partition-leader" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.LEADER);
        case "partition-halves" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.HALVES);
        case "partition-bridge" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.BRIDGE);
        case "transfer" -> new TransferNemesis(cluster);
        case "member" -> new MembershipNemesis(cluster);
        case "clock" -> new ClockNemesis(cluster);
        default -> throw new IllegalArgumentException("no nemesis '" + name + "'");
      });
    }
    return nemeses;
  }

  /** Fails on a name that is no nemesis's, before anything starts. */
  public static void validate(List<String> names) {
    for (String name : names) {
      if (!name.equals("all") && !NAMES.contains(name) && !PARTITION_SHAPES.contains(name)) {
        throw new IllegalArgumentException("no nemesis '" + name + "'; choose from " + NAMES
            + ", " + PARTITION_SHAPES + " or all");
      }
    }
  }

  /** Whether the nemeses named need libfaketime in the nodes. */
  public static boolean skewClocks(List<String> names) {
    return names.contains("all") || names.contains("clock");
  }
}
