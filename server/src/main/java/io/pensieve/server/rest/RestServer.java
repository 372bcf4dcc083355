package io.pensieve.server.rest;

import io.pensieve.server.NodeConfig;
import io.pensieve.server.NodeParts;
import io.pensieve.server.metrics.HttpMetricsHandler;
import io.pensieve.server.metrics.NodeMetrics;
import io.pensieve.server.tls.NodeTls;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The REST API on Jetty 12. Binds first ({@link #bind}), so that an ephemeral port is known
 * before the node advertises it, then starts serving ({@link #start}). Stopping is graceful:
 * new requests are refused and those in flight finish, up to the grace period.
 */
// close() throws what Jetty's stop() throws; the node closes it by hand, not in a try block
@SuppressWarnings("try")
public final class RestServer implements AutoCloseable {
  /** A client that sends nothing for this long is disconnected (slow bodies included). */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_THREADS = 200;

  private final Server server;
  private final ServerConnector connector;
  private final boolean httpsOnly;

  private RestServer(Server server, ServerConnector connector, boolean httpsOnly) {
    this.server = server;
    this.connector = connector;
    this.httpsOnly = httpsOnly;
  }

  /**
   * @param tls when present, the port serves HTTPS only (TLS 1.2 or 1.3); a plaintext request
   *     is answered 400 and the connection closed
   */
  public static RestServer bind(NodeConfig config, Optional<NodeTls> tls) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS);
    threads.setName("pensieve-rest");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // keys are percent-decoded by PathKeys, which checks them itself
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector;
    if (tls.isPresent()) {
      // TLS, else plaintext HTTP that HttpsOnly refuses
      HttpConnectionFactory https = new HttpConnectionFactory(secure(http));
      connector = new ServerConnector(server, new DetectorConnectionFactory(
          new SslConnectionFactory(sslContextFactory(tls.get()), https.getProtocol())), https);
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost(config.listenHost());
    connector.setPort(config.restPort());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    server.setErrorHandler(new JsonErrorHandler());
    connector.open();
    return new RestServer(server, connector, tls.isPresent());
  }

  private static SslContextFactory.Server sslContextFactory(NodeTls tls) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setSslContext(tls.sslContext());
    factory.setIncludeProtocols(NodeTls.PROTOCOLS.toArray(new String[0]));
    return factory;
  }

  /** Marks requests secure (https), which is how {@code /v1/cluster} knows to say so. */
  private static HttpConfiguration secure(HttpConfiguration http) {
    HttpConfiguration https = new HttpConfiguration(http);
    https.addCustomizer(new SecureRequestCustomizer());
    return https;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Serves the API: each request counted by the metrics, refused once the node stops, refused
   * over plaintext on a TLS port, held to the concurrency limit (probes and scrapes exempt),
   * then routed, its token checked first.
   */
  public void start(NodeConfig config, NodeParts node, NodeInfo info) throws Exception {
    NodeMetrics metrics = node.metrics();
    RouteTable routes = RouteTable.forNode(node.access().enabled());
    Handler api = new ConcurrencyLimitHandler(node.limit(), routes::probe, new ApiHandler(routes,
        node.kv(), node.raft(), info, metrics.exposition(), node.access()));
    // metrics outermost, so that the 503s of a stopping or overloaded node are counted too
    server.setHandler(new HttpMetricsHandler(
        new GracefulHandler(httpsOnly ? new HttpsOnly(api) : api),
        metrics.http(), routes::label));
    server.setStopTimeout(config.shutdownGrace().toMillis());
    server.start();
  }

  /** Refuses new requests, waits for those in flight (up to the grace period), then stops. */
  @Override
  public void close() throws Exception {
    server.stop();
  }
}
