package io.pensieve.server.rest;

import io.pensieve.server.auth.Access;
import io.pensieve.server.rest.Route.Kind;
import io.pensieve.server.rest.Route.Serving;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every REST route, one row each: routing ({@link ApiHandler}), the role a token needs, metrics
 * labels and the concurrency limit's exemptions all come from these rows. Adding a route is
 * adding a row (the seed routes' rows are in {@link SeedRoutes#ROUTES}).
 *
 * <p>A request whose path matches a template but whose method has no row is answered 405 with
 * {@code Allow} naming the template's methods, in the template's error shape; with
 * authentication on it needs the most any of the template's rows needs, so that a wrong method
 * tells a token nothing its roles do not. A path that matches no template answers 404, is
 * labelled {@value #UNMATCHED} and needs a valid token, so that probing for routes tells a
 * stranger nothing.
 *
 * <p>Open without a token: {@code /health} and {@code /ready} (probes that carry no data),
 * {@code /metrics} (scraped by Prometheus, open in the kv-store seed too), {@code /v1/node}
 * (nodes resolving their {@code PEERS} by REST URL ask it; it tells only the node's id and
 * addresses) and {@code POST /login} (where a token is got).
 */
final class RouteTable {
  /** The metrics label of a request that matches no route. */
  static final String UNMATCHED = "other";

  private static final List<Route> CANONICAL = List.of(
      Route.canonical("GET", "/v1/kv", Access.READ, (to, x) -> to.kv().range(x)),
      Route.canonical("DELETE", "/v1/kv", Access.WRITE, (to, x) -> to.kv().deleteRange(x)),
      Route.canonical("GET", "/v1/kv/{key}", Access.READ, (to, x) -> to.kv().get(x)),
      Route.canonical("PUT", "/v1/kv/{key}", Access.WRITE, (to, x) -> to.kv().put(x)),
      Route.canonical("DELETE", "/v1/kv/{key}", Access.WRITE, (to, x) -> to.kv().delete(x)),
      // every lease route writes, its reads included: leases are a writer's tool
      Route.canonical("GET", "/v1/lease", Access.WRITE, (to, x) -> to.leases().list(x)),
      Route.canonical("POST", "/v1/lease", Access.WRITE, (to, x) -> to.leases().grant(x)),
      Route.canonical("GET", "/v1/lease/{key}", Access.WRITE,
          (to, x) -> to.leases().timeToLive(x)),
      Route.canonical("DELETE", "/v1/lease/{key}", Access.WRITE,
          (to, x) -> to.leases().revoke(x)),
      // POST /v1/lease/{id}/keepalive: the id and the action are the template's key
      Route.canonical("POST", "/v1/lease/{key}", Access.WRITE,
          (to, x) -> to.leases().keepAlive(x)),
      Route.canonical("GET", "/v1/cluster", Access.READ, (to, x) -> to.node().cluster(x)),
      Route.canonical("GET", "/v1/stats", Access.READ, (to, x) -> to.node().stats(x)),
      Route.canonical("GET", "/v1/node", Access.OPEN, (to, x) -> to.node().node(x))
          .served(Serving.ALWAYS),
      // Mini Redis's GET /health too
      Route.canonical("GET", "/health", Access.OPEN, (to, x) -> to.node().health(x))
          .served(Serving.PROBE),
      Route.canonical("GET", "/ready", Access.OPEN, (to, x) -> to.node().ready(x))
          .served(Serving.PROBE),
      Route.canonical("GET", "/metrics", Access.OPEN, (to, x) -> to.node().metrics(x))
          .served(Serving.PROBE),
      // the kv-store seed's route, for real once authentication is on (a stub otherwise)
      Route.canonical("POST", "/login", Access.OPEN, (to, x) -> to.login().handle(x))
          .served(Serving.ALWAYS).onlyWithAuthentication(true));

  /** Every row, with authentication on and off. */
  static final List<Route> ROWS =
      Stream.concat(CANONICAL.stream(), SeedRoutes.ROUTES.stream()).toList();

  /** The rows of this node, by template, in table order. */
  private final Map<String, List<Route>> byTemplate = new LinkedHashMap<>();

  private RouteTable(List<Route> rows) {
    for (Route route : rows) {
      List<Route> same = byTemplate.computeIfAbsent(route.template(), t -> new ArrayList<>());
      if (same.stream().anyMatch(r -> r.method().equals(route.method()))) {
        throw new IllegalStateException("two rows for " + route);
      }
      if (!same.isEmpty() && (same.get(0).kind() != route.kind()
          || same.get(0).serving() != route.serving())) {
        throw new IllegalStateException(route + " differs from " + same.get(0)
            + " in its kind or when it is served; a path has one of each");
      }
      same.add(route);
    }
    for (Route route : rows) {
      for (Route other : rows) {
        if (!route.template().equals(other.template())
            && other.keyOf(route.prefix()).isPresent()) {
          throw new IllegalStateException(route + " overlaps " + other);
        }
      }
    }
  }

  /** The routes of a node with authentication {@code on} or off. */
  static RouteTable forNode(boolean authenticationOn) {
    return of(ROWS.stream().filter(r -> r.partOf(authenticationOn)).toList());
  }

  /**
   * @throws IllegalStateException if two rows share a method and template, a template's rows
   *     differ in kind or serving, or one template matches another's paths
   */
  static RouteTable of(List<Route> rows) {
    return new RouteTable(rows);
  }

  /** The rows of this table, in order. */
  List<Route> rows() {
    return byTemplate.values().stream().flatMap(List::stream).toList();
  }

  /** The template {@code path} matches, with its key and its rows; empty if none. */
  Optional<Match> match(String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (List<Route> routes : byTemplate.values()) {
      Optional<String> key = routes.get(0).keyOf(path);
      if (key.isPresent()) {
        return Optional.of(new Match(key.get(), routes));
      }
    }
    return Optional.empty();
  }

  /** The metrics label of a request path: its route's template, or {@value #UNMATCHED}. */
  String label(String path) {
    return match(path).map(Match::template).orElse(UNMATCHED);
  }

  /** Whether a request to {@code path} is exempt from the concurrency limit. */
  boolean probe(String path) {
    return match(path).map(m -> m.serving() == Serving.PROBE).orElse(false);
  }

  /**
   * A path matched to a template.
   *
   * @param key the raw (still percent-encoded) key, empty for a fixed path
   * @param routes the template's rows, one per method, in table order
   */
  record Match(String key, List<Route> routes) {
    String template() {
      return routes.get(0).template();
    }

    Kind kind() {
      return routes.get(0).kind();
    }

    Serving serving() {
      return routes.get(0).serving();
    }

    Optional<Route> route(String method) {
      return routes.stream().filter(r -> r.method().equals(method)).findFirst();
    }

    List<String> methods() {
      return routes.stream().map(Route::method).toList();
    }

    /**
     * What a request with {@code method} needs: its row's access, or for a method with no row
     * the most any row needs (access is declared from least to most, write above read).
     */
    Access access(String method) {
      return route(method).map(Route::access).orElseGet(() -> routes.stream()
          .map(Route::access).max(Comparator.naturalOrder()).orElseThrow());
    }
  }
}
