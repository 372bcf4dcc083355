package io.pensieve.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Bench clients over REST, client {@code i} to node {@code i} round robin, every connection on
 * the same few event loops (one per processor): the client should cost the machine little, as
 * the cluster under test may share it.
 */
public final class RestConnector implements Connector {
  private final List<URI> nodes;
  private final Optional<SslContext> tls;
  private final Optional<String> authorization;
  private final long timeoutNanos;
  private final String value;
  private final boolean staleReads;
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
      Runtime.getRuntime().availableProcessors(), new DefaultThreadFactory("bench-http", true),
      NioIoHandler.newFactory());

  /**
   * @param nodes each node's {@code http://host:port}, or {@code https://} with {@code tls}
   * @param authorization the {@code Authorization} header to send, if any
   */
  public RestConnector(List<URI> nodes, Optional<SslContext> tls, Optional<String> authorization,
      BenchPlan plan) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
    this.nodes = List.copyOf(nodes);
    this.tls = tls;
    this.authorization = authorization;
    this.timeoutNanos = plan.requestTimeout().toNanos();
    this.value = Values.of(plan.valueSize(), plan.seed());
    this.staleReads = plan.staleReads();
  }

  @Override
  public KvClient open(int clientIndex, int inFlight) {
    URI node = nodes.get(clientIndex % nodes.size());
    Bootstrap bootstrap = new Bootstrap().group(loops).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)))
        .remoteAddress(node.getHost(), node.getPort());
    return new RestKvClient(
        () -> new HttpConnection(bootstrap, tls, node.getHost(), node.getPort(), timeoutNanos),
        inFlight, node.getHost() + ":" + node.getPort(), authorization, value, staleReads);
  }

  @Override
  public List<String> endpoints() {
    return nodes.stream().map(URI::toString).toList();
  }

  @Override
  public void close() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
