package io.pensieve.server.rest;

import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.auth.Access;
import io.pensieve.server.auth.AccessControl;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.metrics.MetricsExposition;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.rest.Route.Serving;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes each request by the {@link RouteTable}: the token checked first (when authentication
 * is on), then whether the node serves the route yet, then the method, then the route's action.
 */
final class ApiHandler extends Handler.Abstract.NonBlocking {
  private final RouteTable routes;
  private final RouteHandlers handlers;
  private final RaftNode raft;
  private final AccessControl access;

  ApiHandler(RouteTable routes, KvService kv, RaftNode raft, NodeInfo node,
      MetricsExposition metrics, AccessControl access) {
    this.routes = routes;
    this.raft = raft;
    this.access = access;
    BodyLimit bodyLimit = new BodyLimit(raft.stateMachine());
    this.handlers = new RouteHandlers(new NodeRoutes(kv, raft, node, metrics),
        new KvRoutes(kv, bodyLimit), new LeaseRoutes(kv, bodyLimit), new SeedRoutes(kv, bodyLimit),
        new LoginRoute(access.login()));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    Optional<RouteTable.Match> match = routes.match(path == null ? "/" : path);
    Exchange exchange = new Exchange(request, response, callback,
        match.map(RouteTable.Match::key).orElse(""));
    try {
      route(exchange, path == null ? "/" : path, match);
    } catch (RuntimeException e) {
      exchange.error(e);
    }
    return true;
  }

  private void route(Exchange exchange, String path, Optional<RouteTable.Match> found) {
    String method = exchange.method();
    if (access.enabled()) {
      access.check(exchange.requestHeader(HttpHeader.AUTHORIZATION),
          found.map(m -> m.access(method)).orElse(Access.AUTHENTICATED), method + " " + path,
          exchange.remote());
    }
    if (found.isEmpty()) {
      requireMember();
      throw new KvException(ErrorCode.ERROR_CODE_NOT_FOUND, "no route " + path);
    }
    RouteTable.Match match = found.get();
    if (match.serving() == Serving.MEMBER) {
      requireMember();
    }
    try {
      Optional<Route> route = match.route(method);
      if (route.isEmpty()) {
        exchange.header(HttpHeader.ALLOW.asString(), String.join(", ", match.methods()));
        throw new KvException(ErrorCode.ERROR_CODE_METHOD_NOT_ALLOWED, method
            + " is not allowed here; use " + String.join(" or ", match.methods()));
      }
      route.get().action().run(handlers, exchange);
    } catch (RuntimeException e) {
      // a failure before the route went async: in the route's own error shape
      match.kind().fail(exchange, e);
    }
  }

  private void requireMember() {
    if (!raft.joined()) {
      throw KvException.notServing(raft);
    }
  }
}
