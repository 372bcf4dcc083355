package io.pensieve.server.rest;

import java.util.List;
import java.util.Set;

/**
 * The route a request path belongs to, as a metrics label: the path itself for fixed routes,
 * a template for the routes that carry a key ({@code /v1/kv/{key}}), {@code other} for
 * anything else. Never the key, so the label's values stay few whatever clients send. Mirrors
 * {@link ApiHandler}, {@link KvRoutes} and {@link SeedRoutes}.
 */
final class RouteTemplate {
  static final String OTHER = "other";
  private static final Set<String> FIXED = Set.of(
      "/v1/node", "/v1/cluster", "/v1/stats", "/health", "/ready", "/metrics",
      "/get", "/put", "/set", "/stats", "/login", "/set-value", "/get-value", "/delete-value");
  private static final List<String> KEYED = List.of(KvRoutes.PREFIX, "/get/", "/delete/", "/del/");

  private RouteTemplate() { }

  static String of(String path) {
    if (path == null) {
      return OTHER;
    }
    if (FIXED.contains(path)) {
      return path;
    }
    for (String prefix : KEYED) {
      if (path.startsWith(prefix)) {
        return prefix + "{key}";
      }
    }
    return OTHER;
  }
}
