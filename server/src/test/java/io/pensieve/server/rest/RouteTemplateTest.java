package io.pensieve.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Request paths map to route labels of bounded cardinality: templates, never keys; the same
 * with authentication on and off.
 */
class RouteTemplateTest {
  @ParameterizedTest
  @CsvSource({
      "/v1/kv/user:42, /v1/kv/{key}",
      "/v1/kv/a%2Fb/c, /v1/kv/{key}",
      "/v1/kv/, /v1/kv/{key}",
      "/get/session-1, /get/{key}",
      "/delete/session-1, /delete/{key}",
      "/del/session-1, /del/{key}",
      "/v1/kv, /v1/kv",
      "/v1/stats, /v1/stats",
      "/v1/cluster, /v1/cluster",
      "/v1/node, /v1/node",
      "/health, /health",
      "/ready, /ready",
      "/metrics, /metrics",
      "/get, /get",
      "/put, /put",
      "/set, /set",
      "/stats, /stats",
      "/login, /login",
      "/set-value, /set-value",
      "/get-value, /get-value",
      "/delete-value, /delete-value",
  })
  void knownRoutesKeepTheirPathOrTemplate(String path, String route) {
    assertThat(RouteTable.forNode(false).label(path)).isEqualTo(route);
    assertThat(RouteTable.forNode(true).label(path)).isEqualTo(route);
  }

  @ParameterizedTest
  @CsvSource({
      "/", "/v1", "/v1/kvs", "/v1/stats/extra", "/metrics/", "/getter", "/v2/kv/x",
      "/admin/secret-key-123", "/get-value/x", "/DEL/x", "''",
  })
  void anyOtherPathIsOther(String path) {
    assertThat(RouteTable.forNode(false).label(path)).isEqualTo("other");
    assertThat(RouteTable.forNode(true).label(path)).isEqualTo("other");
  }
}
