package io.pensieve.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test parser accepts the exposition format and refuses what departs from it. */
class PrometheusTextTest {
  private static final String VALID = """
      # HELP requests_total Requests, by route.\\nSecond line \\\\ backslash
      # TYPE requests_total counter
      requests_total{route="/v1/kv/{key}",method="GET"} 3
      requests_total{route="a \\"quoted\\" \\\\ \\n value",method="PUT",} 1.5e3 1700000000000
      # a plain comment
      # TYPE up gauge
      up NaN
      # TYPE latency_seconds histogram
      latency_seconds_bucket{le="0.1"} 1
      latency_seconds_bucket{le="+Inf"} 2
      latency_seconds_sum 0.35
      latency_seconds_count 2
      # TYPE rpc summary
      rpc{quantile="0.5"} -Inf
      rpc_sum 1
      rpc_count 1
      """;

  @Test
  void readsFamiliesSamplesLabelsAndEscapes() {
    PrometheusText text = PrometheusText.parse(VALID);

    assertThat(text.families()).containsOnlyKeys("requests_total", "up", "latency_seconds",
        "rpc");
    assertThat(text.family("requests_total").type()).isEqualTo(PrometheusText.Type.COUNTER);
    assertThat(text.family("requests_total").help())
        .isEqualTo("Requests, by route.\nSecond line \\ backslash");
    assertThat(text.sum("requests_total", Map.of("route", "/v1/kv/{key}"))).isEqualTo(3);
    assertThat(text.samples("requests_total").get(1).labels())
        .containsEntry("route", "a \"quoted\" \\ \n value").containsEntry("method", "PUT");
    assertThat(text.sum("requests_total", Map.of("method", "PUT"))).isEqualTo(1500);
    assertThat(text.value("up")).isNaN();
    assertThat(text.value("latency_seconds_count")).isEqualTo(2);
    assertThat(text.family("latency_seconds").samples()).hasSize(4);
    assertThat(text.family("rpc").samples()).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "no_type 1\n",
      "# TYPE a counter\na 1", // no final newline
      "# TYPE a counter\n# TYPE a gauge\na 1\n",
      "# HELP a x\n# HELP a y\n# TYPE a counter\na 1\n",
      "a 1\n# TYPE a counter\n",
      "# TYPE a counter\n# TYPE b counter\na 1\nb 1\na{x=\"y\"} 1\n",
      "# TYPE a counter\na{x=\"y\"} 1\na{x=\"y\"} 2\n",
      "# TYPE a counter\na{x=\"y\",x=\"z\"} 1\n",
      "# TYPE a counter\na{x=\"\\t\"} 1\n",
      "# TYPE a counter\na{x=\"unterminated} 1\n",
      "# TYPE a counter\na{x=y} 1\n",
      "# TYPE a counter\na{1x=\"y\"} 1\n",
      "# TYPE a counter\na{__name=\"y\"} 1\n",
      "# TYPE a counter\na one\n",
      "# TYPE a counter\na 1 12.5\n",
      "# TYPE a counter\na 1 2 3\n",
      "# TYPE a counter\na1\n",
      "# TYPE a-b counter\na-b 1\n",
      "# TYPE a Counter\na 1\n",
      "# TYPE a meter\na 1\n",
      "# HELP a bad \\t escape\n# TYPE a counter\na 1\n",
      "# TYPE h histogram\nh 1\n",
      "# TYPE h histogram\nh_bucket 1\n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
      "# TYPE s summary\ns 1\n",
      "# TYPE s summary\ns{quantile=\"2\"} 1\n",
  })
  void refusesWhatDepartsFromTheFormat(String text) {
    assertThatThrownBy(() -> PrometheusText.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
