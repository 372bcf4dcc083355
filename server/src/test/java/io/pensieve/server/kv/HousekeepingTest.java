package io.pensieve.server.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.server.time.ManualClock;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What a node proposes on its own and when, with the node played by plain fields, proposals
 * answered by the test, and time stepped by a {@link ManualClock}.
 */
class HousekeepingTest {
  private static final Duration TOUCH_INTERVAL = Duration.ofSeconds(1);
  private static final Duration CLEANUP_INTERVAL = Duration.ofSeconds(2);
  private static final Duration NANO = Duration.ofNanos(1);
  private static final MemberAddresses SELF = MemberAddresses.newBuilder().setMemberId("n1")
      .setRestAddress("127.0.0.1:8080").setGrpcAddress("127.0.0.1:9090").build();
  private static final Settings LIMITED =
      new Settings(1000, 0, Settings.DEFAULTS.evictionPolicy(), 0, 1024, 1024);

  private final ManualClock clock = new ManualClock();
  private final FakeNode node = new FakeNode();
  private final TouchRecorder touches = new TouchRecorder();
  private final List<Proposal> proposals = new ArrayList<>();
  private final Housekeeping housekeeping = new Housekeeping(node, this::propose, touches, SELF,
      LIMITED, clock);

  private record Proposal(Command command, CompletableFuture<CommandResult> result) {}

  private CompletableFuture<CommandResult> propose(Command command) {
    Proposal proposal = new Proposal(command, new CompletableFuture<>());
    proposals.add(proposal);
    return proposal.result();
  }

  @Test
  void anExpireIsProposedOnlyByTheLeaderAndOnlyWhileItsMapHoldsExpiredEntries() {
    // given a follower whose map holds expired entries
    node.leader = false;
    node.expiredEntries = true;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);

    // when a cleanup interval passes, then nothing is proposed
    clock.advance(CLEANUP_INTERVAL);
    assertThat(proposed(Command.KindCase.EXPIRE)).isEmpty();

    // when it leads but nothing has expired, then still nothing
    node.leader = true;
    node.expiredEntries = false;
    clock.advance(CLEANUP_INTERVAL);
    assertThat(proposed(Command.KindCase.EXPIRE)).isEmpty();

    // when the leader's map holds expired entries, then one Expire of the command's limit
    node.expiredEntries = true;
    clock.advance(CLEANUP_INTERVAL);
    assertThat(proposed(Command.KindCase.EXPIRE)).singleElement()
        .satisfies(c -> assertThat(c.getExpire().getMaxEntries())
            .isEqualTo(LruTtlMap.EXPIRE_COMMAND_LIMIT));
  }

  @Test
  void anExpireIsProposedAtMostOncePerIntervalAndNeverWhileOneIsInFlight() {
    // given a leader holding expired entries
    node.leader = true;
    node.expiredEntries = true;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);

    // when just under one interval passes, then nothing yet; at the interval, one Expire
    clock.advance(CLEANUP_INTERVAL.minus(NANO));
    assertThat(proposed(Command.KindCase.EXPIRE)).isEmpty();
    clock.advance(NANO);
    assertThat(proposed(Command.KindCase.EXPIRE)).hasSize(1);

    // when three more intervals pass with that Expire unanswered, then no second one
    clock.advance(CLEANUP_INTERVAL.multipliedBy(3));
    assertThat(proposed(Command.KindCase.EXPIRE)).hasSize(1);

    // when it is answered, then the next interval proposes the next Expire
    answer(Command.KindCase.EXPIRE);
    clock.advance(CLEANUP_INTERVAL);
    assertThat(proposed(Command.KindCase.EXPIRE)).hasSize(2);
  }

  @Test
  void aFailedExpireIsProposedAgainNextInterval() {
    // given a leader whose Expire failed (a timeout, say)
    node.leader = true;
    node.expiredEntries = true;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);
    clock.advance(CLEANUP_INTERVAL);
    proposals.get(0).result().completeExceptionally(new IOException("timed out"));

    // when the next interval comes, then it proposes again
    clock.advance(CLEANUP_INTERVAL);
    assertThat(proposed(Command.KindCase.EXPIRE)).hasSize(2);
  }

  @Test
  void theKeysReadDuringAnIntervalAreTouchedOnceAndThoseReadDuringATouchWaitForTheNext() {
    // given a cluster with a capacity limit, whose first touch interval turned recording on
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);
    clock.advance(TOUCH_INTERVAL);
    assertThat(proposed(Command.KindCase.TOUCH)).isEmpty();

    // when keys are read, one twice, and an interval passes
    touches.record(utf8("a"));
    touches.record(utf8("b"));
    touches.record(utf8("a"));
    clock.advance(TOUCH_INTERVAL);

    // then one Touch carries each key once, in the order first read
    assertThat(proposed(Command.KindCase.TOUCH)).singleElement()
        .satisfies(c -> assertThat(c.getTouch().getKeysList()).containsExactly(utf8("a"),
            utf8("b")));

    // when a key is read while that Touch is in flight, then it waits
    touches.record(utf8("c"));
    clock.advance(TOUCH_INTERVAL);
    assertThat(proposed(Command.KindCase.TOUCH)).hasSize(1);

    // and goes in the Touch after the first is answered
    answer(Command.KindCase.TOUCH);
    clock.advance(TOUCH_INTERVAL);
    assertThat(proposed(Command.KindCase.TOUCH)).last()
        .satisfies(c -> assertThat(c.getTouch().getKeysList()).containsExactly(utf8("c")));
  }

  @Test
  void readsAreNotTouchedWhileTheClusterHasNoCapacityLimit() {
    // given a cluster with neither an entry nor a byte limit
    node.settings = Settings.DEFAULTS;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);
    clock.advance(TOUCH_INTERVAL);

    // when keys are read and intervals pass
    touches.record(utf8("a"));
    clock.advance(TOUCH_INTERVAL.multipliedBy(3));

    // then nothing is touched: LRU order matters only when something may be evicted
    assertThat(proposed(Command.KindCase.TOUCH)).isEmpty();
  }

  @Test
  void aNodeAdvertisesItselfUntilTheDirectoryHoldsItAndTheLeaderConfiguresANewCluster() {
    // given a new cluster's leader, not yet in the directory, and no settings ever set
    node.leader = true;
    node.advertised = false;
    node.configured = false;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);

    // when the first bootstrap period passes
    clock.advance(Housekeeping.BOOTSTRAP_PERIOD);

    // then it advertises itself and proposes its flags' settings, unless some were set since
    assertThat(proposed(Command.KindCase.ADVERTISE)).singleElement()
        .satisfies(c -> assertThat(c.getAdvertise()).isEqualTo(SELF));
    assertThat(proposed(Command.KindCase.CONFIGURE)).singleElement()
        .satisfies(c -> assertThat(c.getConfigure().getOnlyIfUnconfigured()).isTrue());

    // when both are applied, then later periods propose neither again
    answer(Command.KindCase.ADVERTISE);
    answer(Command.KindCase.CONFIGURE);
    node.advertised = true;
    node.configured = true;
    clock.advance(Housekeeping.BOOTSTRAP_PERIOD.multipliedBy(5));
    assertThat(proposed(Command.KindCase.ADVERTISE)).hasSize(1);
    assertThat(proposed(Command.KindCase.CONFIGURE)).hasSize(1);
  }

  @Test
  void aFollowerAdvertisesItselfButLeavesTheSettingsToTheLeader() {
    node.leader = false;
    node.advertised = false;
    node.configured = false;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);

    clock.advance(Housekeeping.BOOTSTRAP_PERIOD);

    assertThat(proposed(Command.KindCase.ADVERTISE)).hasSize(1);
    assertThat(proposed(Command.KindCase.CONFIGURE)).isEmpty();
  }

  @Test
  void aNodeNotServingAsAMemberProposesNothing() {
    // given a leader with everything to do, but removed from the cluster
    node.joined = false;
    node.leader = true;
    node.expiredEntries = true;
    node.advertised = false;
    node.configured = false;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);
    touches.enable(true);
    touches.record(utf8("a"));

    // when many intervals pass
    clock.advance(CLEANUP_INTERVAL.multipliedBy(10));

    // then it proposed nothing
    assertThat(proposals).isEmpty();
  }

  @Test
  void aClosedHousekeeperProposesNothingMoreAndLeavesNoTimers() {
    // given a leader holding expired entries, housekeeping started
    node.leader = true;
    node.expiredEntries = true;
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);

    // when it closes before the first interval
    housekeeping.close();
    clock.advance(CLEANUP_INTERVAL.multipliedBy(3));

    // then nothing was proposed and nothing is left scheduled
    assertThat(proposals).isEmpty();
    assertThat(clock.pending()).isZero();
  }

  private List<Command> proposed(Command.KindCase kind) {
    return proposals.stream().map(Proposal::command)
        .filter(c -> c.getKindCase() == kind).toList();
  }

  /** Answers the latest proposal of {@code kind} as applied. */
  private void answer(Command.KindCase kind) {
    proposals.stream().filter(p -> p.command().getKindCase() == kind)
        .reduce((first, second) -> second).orElseThrow()
        .result().complete(CommandResult.getDefaultInstance());
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }

  /** A member with nothing to bootstrap unless a test says so. */
  private static final class FakeNode implements Housekeeping.Node {
    boolean joined = true;
    boolean knowsLeader = true;
    boolean leader;
    boolean advertised = true;
    boolean configured = true;
    boolean expiredEntries;
    Settings settings = LIMITED;

    @Override
    public boolean joined() {
      return joined;
    }

    @Override
    public boolean knowsLeader() {
      return knowsLeader;
    }

    @Override
    public boolean isLeader() {
      return leader;
    }

    @Override
    public boolean advertises(MemberAddresses self) {
      return advertised;
    }

    @Override
    public boolean isConfigured() {
      return configured;
    }

    @Override
    public Settings settings() {
      return settings;
    }

    @Override
    public boolean hasExpiredEntries() {
      return expiredEntries;
    }
  }
}
