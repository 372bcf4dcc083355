package io.pensieve.server.rest;

import io.pensieve.server.auth.Access;
import java.util.Map;

/**
 * What each REST route needs when authentication is on, by the operation it performs rather
 * than its method: the kv-store seed reads with {@code POST /get-value}. Keep in step with
 * {@link ApiHandler}, {@link KvRoutes} and {@link SeedRoutes}.
 *
 * <p>Open without a token: {@code /health} and {@code /ready} (probes that carry no data),
 * {@code /metrics} (scraped by Prometheus, open in the kv-store seed too), {@code /v1/node}
 * (nodes resolving their {@code PEERS} by REST URL ask it; it tells only the node's id and
 * addresses) and {@code POST /login} (where a token is got). A path that is no route needs a
 * valid token, so that probing for routes tells a stranger nothing.
 */
final class RouteAccess {
  private static final Map<String, Access> EXACT = Map.ofEntries(
      Map.entry("/health", Access.OPEN),
      Map.entry("/ready", Access.OPEN),
      Map.entry("/metrics", Access.OPEN),
      Map.entry("/v1/node", Access.OPEN),
      Map.entry("/login", Access.OPEN),
      Map.entry("/v1/cluster", Access.READ),
      Map.entry("/v1/stats", Access.READ),
      Map.entry("/stats", Access.READ),
      Map.entry("/get", Access.READ),
      Map.entry("/get-value", Access.READ),
      Map.entry("/put", Access.WRITE),
      Map.entry("/set", Access.WRITE),
      Map.entry("/set-value", Access.WRITE),
      Map.entry("/delete-value", Access.WRITE));

  private RouteAccess() {}

  static Access of(String method, String path) {
    Access exact = EXACT.get(path);
    if (exact != null) {
      return exact;
    }
    if (path.startsWith(KvRoutes.PREFIX)) {
      return method.equals("GET") ? Access.READ : Access.WRITE;
    }
    if (path.startsWith("/get/")) {
      return Access.READ;
    }
    if (path.startsWith("/delete/") || path.startsWith("/del/")) {
      return Access.WRITE;
    }
    return Access.AUTHENTICATED;
  }
}
