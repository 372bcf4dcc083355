package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.metrics.MetricsExposition;
import io.pensieve.server.raft.RaftNode;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The canonical routes about the node and its cluster: {@code /v1/node}, {@code /v1/cluster},
 * {@code /v1/stats} and the probes and scrape, {@code /health}, {@code /ready}, {@code /metrics}.
 */
final class NodeRoutes {
  private final KvService kv;
  private final NodeInfo node;
  private final MetricsExposition metrics;
  private final ReadinessCheck readiness;
  private final HealthCheck health;

  NodeRoutes(KvService kv, RaftNode raft, NodeInfo node, MetricsExposition metrics) {
    this.kv = kv;
    this.node = node;
    this.metrics = metrics;
    this.readiness = new ReadinessCheck(raft);
    this.health = new HealthCheck(raft, node);
  }

  void node(Exchange exchange) {
    exchange.json(200, withTls(exchange, node.json()));
  }

  /** The process is alive, member or not (a joiner waits); 503 once its state machine halted. */
  void health(Exchange exchange) {
    health.reply(exchange);
  }

  /** Answers before joining too: not ready, and why. */
  void ready(Exchange exchange) {
    readiness.reply(exchange);
  }

  /** Scraped whether or not the node is a member yet. */
  void metrics(Exchange exchange) {
    MetricsExposition.Scrape scrape =
        metrics.scrape(exchange.request.getHeaders().get(HttpHeader.ACCEPT));
    exchange.send(200, scrape.contentType(), scrape.body());
  }

  void cluster(Exchange exchange) {
    exchange.json(200, withTls(exchange, ClusterJson.of(kv.cluster())));
  }

  void stats(Exchange exchange) {
    exchange.json(200, ClusterJson.stats(kv.stats()));
  }

  /**
   * Adds {@code "tls": true} when the request came over TLS: every member then serves TLS on
   * every port, so clients know to use https:// and TLS gRPC at the addresses listed.
   */
  private static ObjectNode withTls(Exchange exchange, ObjectNode json) {
    return exchange.request.isSecure() ? json.put("tls", true) : json;
  }
}
