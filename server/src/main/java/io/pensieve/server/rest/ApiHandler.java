package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.auth.AccessControl;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.metrics.MetricsExposition;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.statemachine.PensieveStateMachine;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes each request: the canonical API, then the seed routes, else a JSON 404. With
 * authentication on, the token is checked first (see {@link RouteAccess}).
 */
final class ApiHandler extends Handler.Abstract.NonBlocking {
  private static final List<String> GET_ONLY = List.of("GET");

  private final KvService kv;
  private final RaftNode raft;
  private final NodeInfo node;
  private final KvRoutes kvRoutes;
  private final SeedRoutes seedRoutes;
  private final ReadinessCheck readiness;
  private final HealthCheck health;
  private final MetricsExposition metrics;
  private final AccessControl access;
  private final LoginRoute login;

  ApiHandler(KvService kv, RaftNode raft, NodeInfo node, MetricsExposition metrics,
      AccessControl access) {
    this.kv = kv;
    this.raft = raft;
    this.node = node;
    this.metrics = metrics;
    PensieveStateMachine stateMachine = raft.stateMachine();
    BodyLimit bodyLimit = new BodyLimit(stateMachine);
    this.kvRoutes = new KvRoutes(kv, bodyLimit);
    this.seedRoutes = new SeedRoutes(kv, bodyLimit);
    this.readiness = new ReadinessCheck(raft);
    this.health = new HealthCheck(raft, node);
    this.access = access;
    this.login = new LoginRoute(access.login());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange exchange = new Exchange(request, response, callback);
    String path = request.getHttpURI().getPath();
    try {
      route(exchange, path == null ? "/" : path);
    } catch (RuntimeException e) {
      exchange.error(e);
    }
    return true;
  }

  /**
   * Adds {@code "tls": true} when the request came over TLS: every member then serves TLS on
   * every port, so clients know to use https:// and TLS gRPC at the addresses listed.
   */
  private static ObjectNode withTls(Exchange exchange, ObjectNode json) {
    return exchange.request.isSecure() ? json.put("tls", true) : json;
  }

  private void route(Exchange exchange, String path) {
    if (access.enabled()) {
      access.check(exchange.requestHeader(HttpHeader.AUTHORIZATION),
          RouteAccess.of(exchange.method(), path), exchange.method() + " " + path,
          exchange.remote());
      if (path.equals("/login")) { // the kv-store seed's route, for real once auth is on
        postLogin(exchange);
        return;
      }
    }
    if (path.equals("/v1/node")) {
      getOnly(exchange, () -> exchange.json(200, withTls(exchange, node.json())));
      return;
    }
    if (path.equals("/health")) { // alive, member or not (a joiner waits); 503 once halted
      getOnly(exchange, () -> health.reply(exchange));
      return;
    }
    if (path.equals("/ready")) { // answers before joining too: not ready, and why
      getOnly(exchange, () -> readiness.reply(exchange));
      return;
    }
    if (path.equals("/metrics")) { // scraped whether or not the node is a member yet
      getOnly(exchange, () -> {
        MetricsExposition.Scrape scrape =
            metrics.scrape(exchange.request.getHeaders().get(HttpHeader.ACCEPT));
        exchange.send(200, scrape.contentType(), scrape.body());
      });
      return;
    }
    if (!raft.joined()) {
      throw KvException.notServing(raft);
    }
    if (path.startsWith(KvRoutes.PREFIX)) {
      kvRoutes.handle(exchange, path.substring(KvRoutes.PREFIX.length()));
      return;
    }
    switch (path) {
      case "/v1/cluster" -> getOnly(exchange, () -> exchange.json(200,
          withTls(exchange, ClusterJson.of(kv.cluster()))));
      case "/v1/stats" -> getOnly(exchange, () -> exchange.json(200,
          ClusterJson.stats(kv.stats())));
      default -> {
        if (!seedRoutes.handle(exchange, path)) {
          throw new KvException(ErrorCode.ERROR_CODE_NOT_FOUND, "no route " + path);
        }
      }
    }
  }

  private void postLogin(Exchange exchange) {
    if (!exchange.method().equals("POST")) {
      exchange.methodNotAllowed(List.of("POST"));
      return;
    }
    login.handle(exchange);
  }

  private static void getOnly(Exchange exchange, Runnable route) {
    if (!exchange.method().equals("GET")) {
      exchange.methodNotAllowed(GET_ONLY);
      return;
    }
    route.run();
  }
}
