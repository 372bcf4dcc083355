package io.pensieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bench's scheduling against clients that answer from memory after a set time. */
class LevelRunTest {
  private static final Duration NO_WARMUP = Duration.ZERO;

  private static LevelResult run(BenchPlan plan, FakeClients clients) {
    try (clients) {
      return new LevelRun(plan, clients, Progress.off()).run(plan.clientLevels().get(0));
    }
  }

  @Test
  void aClosedLoopKeepsInFlightRequestsOnEachClientUntilTheEnd() {
    FakeClients clients = FakeClients.answeringAfter(Duration.ofMillis(10));
    BenchPlan plan = Plans.closedLoop(Workload.PUT, 3, 4, Duration.ofMillis(100),
        Duration.ofMillis(500));

    LevelResult result = run(plan, clients);

    assertThat(clients.opened).hasSize(3).allSatisfy(client -> assertThat(client.closed).isTrue());
    assertThat(clients.maxInFlight()).isEqualTo(4);
    OpStats puts = result.operations().get(Op.PUT);
    // 12 slots, one request per 10 ms each: at most 600 in the window
    assertThat(puts.ops()).isBetween(100L, 600L);
    assertThat(puts.p50Millis()).isGreaterThanOrEqualTo(10);
    assertThat(puts.errors()).isZero();
    assertThat(result.operations()).containsOnlyKeys(Op.PUT);
    assertThat(result.seconds()).isEqualTo(0.5);
    assertThat(clients.puts.keySet()).allMatch(key -> key.matches("bench-00000000\\d\\d"));
  }

  @Test
  void anOpenLoopSendsEveryRequestDueInTheWindowAtTheRate() {
    FakeClients clients = FakeClients.answeringAfter(Duration.ofMillis(5));
    BenchPlan plan = Plans.openLoop(Workload.PUT, 2, 4, 400, NO_WARMUP, Duration.ofMillis(500));

    LevelResult result = run(plan, clients);

    // due every 2.5 ms from the start: 200 in half a second, round robin over the clients
    assertThat(result.total().ops() + result.unsent()).isEqualTo(200);
    assertThat(result.unsent()).isLessThan(20);
    assertThat(clients.puts.values().stream().mapToInt(AtomicInteger::get).sum())
        .isEqualTo((int) result.total().ops());
  }

  @Test
  void anOpenLoopTimesFromTheDueTimeSoAClusterThatFallsBehindShowsItsQueue() {
    // one connection that answers every 20 ms (50/s), asked for 100 requests a second
    FakeClients slow = FakeClients.answeringAfter(Duration.ofMillis(20));
    BenchPlan tooFast = Plans.openLoop(Workload.PUT, 1, 1, 100, NO_WARMUP,
        Duration.ofMillis(600));
    FakeClients same = FakeClients.answeringAfter(Duration.ofMillis(20));
    BenchPlan closedLoop = Plans.closedLoop(Workload.PUT, 1, 1, NO_WARMUP,
        Duration.ofMillis(600));

    LevelResult open = run(tooFast, slow);
    LevelResult closed = run(closedLoop, same);

    // request i waits about 10 ms x i for the connection: the median one a few hundred ms
    assertThat(open.total().p50Millis()).isGreaterThan(100);
    assertThat(open.total().maxMillis()).isGreaterThan(200);
    assertThat(open.unsent()).isPositive();
    // the closed loop sends as the connection frees: it sees the service time only
    assertThat(closed.total().p50Millis()).isLessThan(open.total().p50Millis() / 3);
    assertThat(closed.unsent()).isZero();
  }

  @Test
  void aMixSendsReadsAndWritesAndTotalsThem() {
    FakeClients clients = FakeClients.answeringAfter(Duration.ofMillis(2));
    BenchPlan plan = Plans.closedLoop(Workload.MIXED, 2, 2, NO_WARMUP, Duration.ofMillis(300));

    LevelResult result = run(plan, clients);

    long gets = result.operations().get(Op.GET).ops();
    long puts = result.operations().get(Op.PUT).ops();
    assertThat(gets).isPositive();
    assertThat(puts).isPositive();
    assertThat(result.total().ops()).isEqualTo(gets + puts);
    // a 50 % mix: each side well within a third and two thirds
    assertThat(gets / (double) (gets + puts)).isBetween(0.33, 0.67);
  }

  @Test
  void aClientThatFailsInsideEverySendIsCountedWithoutRecursing() {
    FakeClients failing = FakeClients.failingAtOnce("UNAVAILABLE");
    BenchPlan plan = Plans.closedLoop(Workload.GET, 2, 2, NO_WARMUP, Duration.ofMillis(300));

    LevelResult result = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> run(plan, failing));

    assertThat(result.total().ops()).isZero();
    assertThat(result.total().errorsByKind()).containsOnlyKeys("UNAVAILABLE");
    // far more failures than a stack holds frames
    assertThat(result.total().errors()).isGreaterThan(10_000);
  }

  @Test
  void readsFindTheKeysThePreloadWroteOnceEach() {
    FakeClients clients = FakeClients.answeringAfter(Duration.ofMillis(1));
    BenchPlan plan = Plans.closedLoop(Workload.GET, 2, 2, NO_WARMUP, Duration.ofMillis(200));

    BenchResult result;
    try (clients) {
      result = Bench.run(plan, clients, Progress.off());
    }

    PreloadResult preload = result.preload().orElseThrow();
    assertThat(preload.keys()).isEqualTo(100);
    assertThat(preload.errors()).isZero();
    assertThat(clients.puts).hasSize(100).allSatisfy((key, writes) ->
        assertThat(writes.get()).as(key).isEqualTo(1));
    assertThat(clients.gets.keySet()).isSubsetOf(clients.puts.keySet());
    assertThat(result.levels()).hasSize(1);
  }

  @Test
  void progressIsALinePerSecondOfEachPhaseOnTheWriterGiven() {
    StringWriter err = new StringWriter();
    Progress progress = new Progress(new PrintWriter(err, true), Progress.Mode.LINES);
    BenchPlan plan = Plans.closedLoop(Workload.PUT, 1, 1, Duration.ofMillis(300),
        Duration.ofMillis(1200));

    try (FakeClients clients = FakeClients.answeringAfter(Duration.ofMillis(1))) {
      new LevelRun(plan, clients, progress).run(1);
    }

    assertThat(err.toString().lines()).hasSize(3);
    assertThat(err.toString().lines().findFirst().orElseThrow())
        .matches("1 client warmup 1s/1s  [\\d,]+ ops/s  p99 [\\d.]+ ms  errors 0");
    assertThat(err.toString()).contains("1 client measure 1s/2s").contains("measure 2s/2s");
  }
}
