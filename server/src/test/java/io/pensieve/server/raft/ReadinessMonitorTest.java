package io.pensieve.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * When a node counts as ready, with its member played by fields and ReadIndex rounds the test
 * answers, and time stepped by a {@link ManualClock}: a look every {@link
 * ReadinessMonitor#PERIOD}, ready while the latest round that succeeded began at most {@link
 * ReadinessMonitor#CAUGHT_UP_FOR} ago.
 */
class ReadinessMonitorTest {
  private static final Duration PERIOD = ReadinessMonitor.PERIOD;
  private static final Duration CAUGHT_UP_FOR = ReadinessMonitor.CAUGHT_UP_FOR;

  private final ManualClock clock = new ManualClock();
  private final FakeMember member = new FakeMember();
  private final ReadinessMonitor monitor = new ReadinessMonitor(member, clock);

  @Test
  void aNodeIsReadyAtTheFirstLookAfterARoundSucceeds() {
    // given a member that knows its leader, at its first look
    monitor.start();
    clock.runDue();
    assertThat(monitor.current().ready()).isFalse();
    assertThat(member.rounds).hasSize(1);

    // when that round succeeds, then the next look finds the node ready
    member.answers.get(0).complete(null);
    assertThat(monitor.current().ready()).as("looks only at its period").isFalse();
    clock.advance(PERIOD);
    assertThat(monitor.current().ready()).isTrue();
  }

  @Test
  void aReadyNodeIsUnreadyOnceNoRoundHasSucceededForCaughtUpFor() {
    // given a node made ready by a round that succeeded at once
    monitor.start();
    clock.runDue();
    member.answers.get(0).complete(null);

    // when every later round fails (its leader is cut off, say)
    member.failRounds = true;

    // then it stays ready while the success is at most CAUGHT_UP_FOR old, and not a look longer
    clock.advance(CAUGHT_UP_FOR);
    assertThat(monitor.current().ready()).isTrue();
    clock.advance(PERIOD);
    assertThat(monitor.current().ready()).isFalse();
    assertThat(monitor.current().reason()).isEqualTo(FakeMember.NOT_CAUGHT_UP);

    // and once a round succeeds again, it is ready at the next look
    member.failRounds = false;
    clock.advance(PERIOD);
    member.answers.get(member.answers.size() - 1).complete(null);
    clock.advance(PERIOD);
    assertThat(monitor.current().ready()).isTrue();
  }

  @Test
  void aSuccessCountsFromWhenItsRoundBeganNotWhenItEnded() {
    // given a round begun at the first look, answered successfully 900 ms later
    monitor.start();
    clock.runDue();
    clock.advance(Duration.ofMillis(900));
    member.answers.get(0).complete(null);

    // when the look a second after the round began comes, and the one after it
    clock.advance(Duration.ofMillis(100));
    boolean readyAtOneSecond = monitor.current().ready();
    clock.advance(PERIOD);

    // then the node was ready at the first, but not at the second, though the success is only
    // 300 ms old: what the leader had committed when the round began may be old by then
    assertThat(readyAtOneSecond).isTrue();
    assertThat(monitor.current().ready()).isFalse();
  }

  @Test
  void aRoundStillOutIsNotStartedAgainAndIsGivenUpAfterCaughtUpFor() {
    // given a round that is never answered
    monitor.start();
    clock.runDue();

    // when looks come while it is out, then no second round starts
    clock.advance(CAUGHT_UP_FOR.minus(PERIOD));
    assertThat(member.rounds).hasSize(1);

    // when CAUGHT_UP_FOR has passed, then it is given up and the look then starts another
    clock.advance(PERIOD);
    assertThat(member.rounds).hasSize(2);

    // and a success arriving for the abandoned round counts for nothing
    member.answers.get(0).complete(null);
    clock.advance(PERIOD);
    assertThat(monitor.current().ready()).isFalse();
  }

  @Test
  void noRoundIsStartedWhileNoLeaderIsKnownOrTheNodeIsNoMember() {
    // given a member that knows no leader
    member.knowsLeader = false;
    monitor.start();

    // when looks come, then none starts a round, and the node is not ready
    clock.advance(PERIOD.multipliedBy(3));
    assertThat(member.rounds).isEmpty();
    assertThat(monitor.current().ready()).isFalse();

    // nor once it knows a leader but has been removed from the cluster
    member.knowsLeader = true;
    member.joined = false;
    clock.advance(PERIOD.multipliedBy(3));
    assertThat(member.rounds).isEmpty();
  }

  @Test
  void aWatcherHearsTheLatestLookAtOnceThenEveryLookUntilItStops() {
    // given a watcher, before the first look
    List<Readiness> heard = new ArrayList<>();
    Consumer<Readiness> watcher = heard::add;
    monitor.watch(watcher);
    assertThat(heard).containsExactly(Readiness.NOT_MEMBER);

    // when three looks pass, then it heard each
    monitor.start();
    clock.advance(PERIOD.multipliedBy(2));
    assertThat(heard).hasSize(4);

    // when it stops watching, then it hears no more
    monitor.unwatch(watcher);
    clock.advance(PERIOD.multipliedBy(2));
    assertThat(heard).hasSize(4);
  }

  @Test
  void aClosedMonitorLooksNoMore() {
    monitor.start();
    clock.runDue();
    member.answers.get(0).complete(null);

    monitor.close();
    clock.advance(PERIOD.multipliedBy(5));

    assertThat(member.rounds).hasSize(1);
    assertThat(clock.pending()).isZero();
  }

  /**
   * A member whose rounds the test answers. As {@link RaftNode#confirmCaughtUp} does, each
   * round is a future of its own built on the read's answer, so a timeout fails the round
   * without touching the answer.
   */
  private static final class FakeMember implements ReadinessMonitor.Member {
    static final String NOT_CAUGHT_UP = "not caught up";
    boolean joined = true;
    boolean knowsLeader = true;
    boolean failRounds;
    final List<CompletableFuture<Void>> answers = new ArrayList<>();
    final List<CompletableFuture<Void>> rounds = new ArrayList<>();

    @Override
    public boolean joined() {
      return joined;
    }

    @Override
    public boolean knowsLeader() {
      return knowsLeader;
    }

    @Override
    public CompletableFuture<Void> confirmCaughtUp() {
      CompletableFuture<Void> answer = failRounds
          ? CompletableFuture.failedFuture(new IOException("leader unreachable"))
          : new CompletableFuture<>();
      CompletableFuture<Void> round = answer.thenApply(done -> null);
      answers.add(answer);
      rounds.add(round);
      return round;
    }

    @Override
    public Readiness readiness(boolean caughtUp) {
      return new Readiness(caughtUp, "n2", 0, 0, caughtUp ? "" : NOT_CAUGHT_UP);
    }
  }
}
