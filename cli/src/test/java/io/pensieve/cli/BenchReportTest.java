package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pensieve.cli.bench.Api;
import io.pensieve.cli.bench.BenchPlan;
import io.pensieve.cli.bench.BenchResult;
import io.pensieve.cli.bench.LevelResult;
import io.pensieve.cli.bench.Op;
import io.pensieve.cli.bench.OpStats;
import io.pensieve.cli.bench.PreloadResult;
import io.pensieve.cli.bench.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static final OpStats GETS = new OpStats(9000, 900, 0.5, 0.4, 0.8, 1.5, 4.25, 12.5,
      Map.of());
  private static final OpStats PUTS = new OpStats(1000, 100, 2.5, 2.0, 3.0, 6.0, 9.0, 20,
      Map.of("UNAVAILABLE/overloaded", 3L));
  private static final OpStats ALL = new OpStats(10_000, 1000, 0.7, 0.5, 2.1, 5.0, 8.0, 20,
      Map.of("UNAVAILABLE/overloaded", 3L));

  private static BenchResult mixed(List<Integer> clients, OptionalDouble rate) {
    BenchPlan plan = new BenchPlan(Workload.MIXED, Api.GRPC, clients, 4, rate,
        Duration.ofSeconds(10), Duration.ofSeconds(2), 10_000, 100, true, 0.9, 42, true,
        Duration.ofSeconds(10));
    List<LevelResult> levels = new ArrayList<>();
    for (int count : clients) {
      levels.add(new LevelResult(count, 4, 10, Map.of(Op.GET, GETS, Op.PUT, PUTS), ALL,
          rate.isPresent() ? 7 : 0));
    }
    return new BenchResult(plan, List.of("127.0.0.1:9001", "127.0.0.1:9002"),
        Optional.of(new PreloadResult(10_000, 1.25, Map.of())), levels);
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void jsonHasTheDocumentedShape() {
    JsonNode json = BenchReport.json(mixed(List.of(16), OptionalDouble.empty()));

    assertThat(names(json)).containsExactly("workload", "api", "endpoints", "in_flight", "rate",
        "duration_seconds", "warmup_seconds", "keys", "value_size", "consistency", "read_ratio",
        "seed", "preload", "levels");
    assertThat(json.get("workload").asText()).isEqualTo("mixed");
    assertThat(json.get("api").asText()).isEqualTo("grpc");
    assertThat(json.get("rate").isNull()).isTrue();
    assertThat(json.get("consistency").asText()).isEqualTo("stale");
    assertThat(json.get("seed").asLong()).isEqualTo(42);
    assertThat(names(json.get("preload"))).containsExactly("keys", "seconds", "ops_per_second",
        "errors", "errors_by_kind");
    JsonNode level = json.get("levels").get(0);
    assertThat(names(level)).containsExactly("clients", "in_flight_total", "seconds", "unsent",
        "total", "operations");
    assertThat(level.get("in_flight_total").asInt()).isEqualTo(64);
    assertThat(names(level.get("operations"))).containsExactly("get", "put");
    JsonNode puts = level.get("operations").get("put");
    assertThat(names(puts)).containsExactly("ops", "ops_per_second", "errors", "errors_by_kind",
        "latency_ms");
    assertThat(puts.get("errors_by_kind").get("UNAVAILABLE/overloaded").asLong()).isEqualTo(3);
    assertThat(names(puts.get("latency_ms"))).containsExactly("mean", "p50", "p90", "p99",
        "p99_9", "max");
    assertThat(puts.get("latency_ms").get("p99").asDouble()).isEqualTo(6.0);
    assertThat(json.get("preload").get("seconds").asDouble()).isEqualTo(1.25);
  }

  @Test
  void jsonFiguresAreRoundedToTheMicrosecond() {
    OpStats precise = new OpStats(3, 1.0 / 3, 2.0 / 3, 0.1234567, 1, 1, 1, 1, Map.of());
    BenchPlan plan = new BenchPlan(Workload.PUT, Api.GRPC, List.of(1), 1, OptionalDouble.empty(),
        Duration.ofSeconds(3), Duration.ZERO, 10, 100, false, 0, 1, true, Duration.ofSeconds(1));
    BenchResult result = new BenchResult(plan, List.of("127.0.0.1:9001"), Optional.empty(),
        List.of(new LevelResult(1, 1, 3, Map.of(Op.PUT, precise), precise, 0)));

    JsonNode total = BenchReport.json(result).get("levels").get(0).get("total");

    assertThat(total.get("ops_per_second").asDouble()).isEqualTo(0.333);
    assertThat(total.get("latency_ms").get("mean").asDouble()).isEqualTo(0.667);
    assertThat(total.get("latency_ms").get("p50").asDouble()).isEqualTo(0.123);
  }

  @Test
  void oneLevelIsARowPerOperationAndTheirTotal() {
    String text = BenchReport.text(mixed(List.of(16), OptionalDouble.empty()));

    assertThat(text).startsWith("""
        mixed (90% reads) over grpc to 127.0.0.1:9001,127.0.0.1:9002
        16 clients x 4 in flight, closed loop, 10s after 2s warmup
        10,000 keys, 100-byte values, stale reads, seed 42
        preload: 10,000 keys in 1.25 s (8,000 writes/s), 0 errors

        """);
    assertThat(text).contains("""
        OP   OPS    OPS/S  P50(ms)  P90(ms)  P99(ms)  P99.9(ms)  MAX(ms)  ERRORS
        get  9000   900    0.4      0.8      1.5      4.25       12.5     0
        put  1000   100    2        3        6        9          20       3
        all  10000  1000   0.5      2.1      5        8          20       3
        put errors: UNAVAILABLE/overloaded 3
        """);
  }

  @Test
  void aSweepIsARowPerLevelWithTheRequestsItCouldNotSend() {
    String text = BenchReport.text(mixed(List.of(1, 4), OptionalDouble.of(5000)));

    assertThat(text).contains("clients [1, 4] x 4 in flight, open loop at 5,000 requests/s")
        .contains("""
            CLIENTS  IN-FLIGHT  OPS    OPS/S  P50(ms)  P90(ms)  P99(ms)  P99.9(ms)  MAX(ms)  ERRORS  UNSENT
            1        4          10000  1000   0.5      2.1      5        8          20       3       7
            4        16         10000  1000   0.5      2.1      5        8          20       3       7
            """)
        .contains("put errors at 4 clients: UNAVAILABLE/overloaded 3\n")
        .contains("unsent at 1 client: 7 requests were due while every connection was busy");
  }
}
