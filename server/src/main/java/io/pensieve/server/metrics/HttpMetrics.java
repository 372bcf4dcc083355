package io.pensieve.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** Requests the REST API answered, by route template, method and status, and their latency. */
public final class HttpMetrics {
  private final Counter requests;
  private final Histogram duration;

  HttpMetrics(PrometheusRegistry registry) {
    requests = Counter.builder()
        .name("pensieve_http_requests_total")
        .help("HTTP requests answered, by route template, method and status")
        .labelNames("route", "method", "status")
        .register(registry);
    duration = Histogram.builder()
        .name("pensieve_http_request_duration_seconds")
        .help("Time from a request's arrival to its last response byte written")
        .unit(Unit.SECONDS)
        .labelNames("route", "method")
        .classicOnly()
        .classicUpperBounds(Buckets.REQUEST_SECONDS)
        .register(registry);
  }

  /**
   * @param route a template such as {@code /v1/kv/{key}}, never a raw path
   * @param method one of a fixed set of methods, or {@code other}
   */
  public void record(String route, String method, int status, long nanos) {
    requests.labelValues(route, method, Integer.toString(status)).inc();
    duration.labelValues(route, method).observe(Unit.nanosToSeconds(nanos));
  }
}
