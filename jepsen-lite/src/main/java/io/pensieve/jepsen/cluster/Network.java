package io.pensieve.jepsen.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The links between nodes, each a proxy that can be cut. Node {@code i} reaches node
 * {@code j} by name; node {@code i}'s hosts file maps that name to 127.0.i.j, where the proxy of
 * the link i→j listens on j's ports and forwards to j. A node reaches itself at 127.0.0.1.
 * Clients do not go through the proxies: a node cut off from its peers still serves them.
 */
public final class Network implements AutoCloseable {
  private final List<NodeProcess> nodes;
  private final Map<String, List<LinkProxy>> linksByPair = new LinkedHashMap<>();

  private Network(List<NodeProcess> nodes) {
    this.nodes = nodes;
  }

  /** Opens a proxy for every ordered pair of nodes and writes each node's hosts file. */
  static Network connect(List<NodeProcess> nodes) throws IOException {
    Network network = new Network(nodes);
    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess from = nodes.get(i);
      StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n")
          .append("127.0.0.1 ").append(from.hostName()).append('\n');
      for (int j = 0; j < nodes.size(); j++) {
        if (i == j) {
          continue;
        }
        NodeProcess to = nodes.get(j);
        InetAddress address = linkAddress(i, j);
        hosts.append(address.getHostAddress()).append(' ').append(to.hostName()).append('\n');
        List<LinkProxy> proxies = network.linksByPair
            .computeIfAbsent(pair(from.id(), to.id()), k -> new ArrayList<>());
        for (int port : to.ports().all()) {
          proxies.add(new LinkProxy(address, port,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        }
      }
      Files.createDirectories(from.hostsFile().getParent());
      Files.writeString(from.hostsFile(), hosts);
    }
    return network;
  }

  private static InetAddress linkAddress(int from, int to) throws IOException {
    return InetAddress.getByAddress(new byte[] {127, 0, (byte) (from + 1), (byte) (to + 1)});
  }

  /**
   * Partitions the network into the given groups of node ids: two nodes can talk only when
   * some group holds both. Groups may overlap (a bridge). Replaces any earlier partition.
   */
  public synchronized void partition(Collection<? extends Collection<String>> groups) {
    heal();
    for (NodeProcess a : nodes) {
      for (NodeProcess b : nodes) {
        if (a.id().compareTo(b.id()) < 0 && groups.stream()
            .noneMatch(g -> g.contains(a.id()) && g.contains(b.id()))) {
          linksByPair.get(pair(a.id(), b.id())).forEach(LinkProxy::cut);
          linksByPair.get(pair(b.id(), a.id())).forEach(LinkProxy::cut);
        }
      }
    }
  }

  /** Every link carries traffic again. */
  public synchronized void heal() {
    linksByPair.values().forEach(proxies -> proxies.forEach(LinkProxy::heal));
  }

  private static String pair(String from, String to) {
    return from + "-" + to;
  }

  @Override
  public void close() {
    linksByPair.values().forEach(proxies -> proxies.forEach(LinkProxy::close));
  }
}
