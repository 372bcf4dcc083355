package io.pensieve.server.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.LeaseKeepAliveResult;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.server.time.ManualClock;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
  private final LeaseKeepAlives keepAlives = new LeaseKeepAlives();
  private final List<Proposal> proposals = new ArrayList<>();
  private final Housekeeping housekeeping = new Housekeeping(node, this::propose, touches,
      keepAlives, Housekeeping.Counters.NONE, SELF, LIMITED, clock);

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

  private List<Proposal> proposalsOf(Command.KindCase kind) {
    return proposals.stream().filter(p -> p.command().getKindCase() == kind).toList();
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

  @Test
  void renewalsReceivedInOneIntervalBecomeOneCommandAndEachIsAnsweredFromItsResult() {
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);
    CompletableFuture<LeaseKeepAliveResponse> first = keepAlives.renew(7);
    CompletableFuture<LeaseKeepAliveResponse> again = keepAlives.renew(7);
    CompletableFuture<LeaseKeepAliveResponse> gone = keepAlives.renew(9);

    clock.advance(LeaseKeepAlives.INTERVAL);

    List<Proposal> sent = proposalsOf(Command.KindCase.LEASE_KEEP_ALIVE);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).command().getLeaseKeepAlive().getIdsList()).containsExactly(7L, 9L);
    assertThat(first).isNotDone();
    // renewals arriving while it is in flight wait for the next interval
    CompletableFuture<LeaseKeepAliveResponse> later = keepAlives.renew(8);
    clock.advance(LeaseKeepAlives.INTERVAL);
    assertThat(proposed(Command.KindCase.LEASE_KEEP_ALIVE)).hasSize(1);

    LeaseKeepAliveResponse renewed = LeaseKeepAliveResponse.newBuilder().setId(7)
        .setTtlSeconds(10).setExpireAtMillis(123_000).build();
    sent.get(0).result().complete(CommandResult.newBuilder().setLeaseKeepAlive(
        LeaseKeepAliveResult.newBuilder().addRenewed(renewed)
            .addRenewed(LeaseKeepAliveResponse.newBuilder().setId(9))).build());

    assertThat(first).isCompletedWithValue(renewed);
    assertThat(again).isCompletedWithValue(renewed);
    assertThat(gone).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(KvException.class)
        .withMessage("lease 9 not found");
    clock.advance(LeaseKeepAlives.INTERVAL);
    assertThat(proposed(Command.KindCase.LEASE_KEEP_ALIVE)).hasSize(2);
    assertThat(later).isNotDone();
  }

  @Test
  void aRenewalCommandStalledBehindADeadLeaderDoesNotHoldTheRenewalsAfterIt() {
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);
    CompletableFuture<LeaseKeepAliveResponse> stalled = keepAlives.renew(7);
    clock.advance(LeaseKeepAlives.INTERVAL);
    CompletableFuture<LeaseKeepAliveResponse> later = keepAlives.renew(8);

    // in flight for less than the stall bound: the next renewals wait for it
    clock.advance(LeaseKeepAlives.INTERVAL);
    assertThat(proposed(Command.KindCase.LEASE_KEEP_ALIVE)).hasSize(1);
    // past it: they go in a command of their own
    clock.advance(Housekeeping.KEEP_ALIVE_STALLED.minus(LeaseKeepAlives.INTERVAL));
    List<Proposal> sent = proposalsOf(Command.KindCase.LEASE_KEEP_ALIVE);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).command().getLeaseKeepAlive().getIdsList()).containsExactly(8L);

    // and no more than the bound are in flight at once
    List<CompletableFuture<LeaseKeepAliveResponse>> waiting = new ArrayList<>();
    for (long id = 9; id < 20; id++) {
      waiting.add(keepAlives.renew(id));
      clock.advance(Housekeeping.KEEP_ALIVE_STALLED);
    }
    assertThat(proposed(Command.KindCase.LEASE_KEEP_ALIVE))
        .hasSize(Housekeeping.MAX_KEEP_ALIVES_IN_FLIGHT);
    LeaseKeepAliveResponse renewed = LeaseKeepAliveResponse.newBuilder().setId(8)
        .setTtlSeconds(10).setExpireAtMillis(123_000).build();
    sent.get(1).result().complete(CommandResult.newBuilder().setLeaseKeepAlive(
        LeaseKeepAliveResult.newBuilder().addRenewed(renewed)).build());
    assertThat(later).isCompletedWithValue(renewed);
    clock.advance(LeaseKeepAlives.INTERVAL);
    assertThat(proposed(Command.KindCase.LEASE_KEEP_ALIVE))
        .hasSize(Housekeeping.MAX_KEEP_ALIVES_IN_FLIGHT + 1);
    assertThat(stalled).isNotDone();
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
  }

  @Test
  void aFailedRenewalCommandFailsEveryRenewalItCarried() {
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);
    CompletableFuture<LeaseKeepAliveResponse> renewal = keepAlives.renew(7);
    clock.advance(LeaseKeepAlives.INTERVAL);

    proposalsOf(Command.KindCase.LEASE_KEEP_ALIVE).get(0).result().completeExceptionally(
        new KvException(ErrorCode.ERROR_CODE_UNKNOWN_OUTCOME, "timed out"));

    assertThat(renewal).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(KvException.class).withMessage("timed out");
  }

  @Test
  void onlyTheLeaderProposesTheExpiryOfTheLeasesItSeesExpired() {
    node.expiredLeases = List.of(3L, 4L);
    housekeeping.start(TOUCH_INTERVAL, CLEANUP_INTERVAL);

    clock.advance(CLEANUP_INTERVAL);
    assertThat(proposed(Command.KindCase.LEASE_EXPIRE)).isEmpty();

    node.leader = true;
    clock.advance(CLEANUP_INTERVAL);
    List<Proposal> sent = proposalsOf(Command.KindCase.LEASE_EXPIRE);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).command().getLeaseExpire().getIdsList()).containsExactly(3L, 4L);

    // one in flight at a time
    clock.advance(CLEANUP_INTERVAL);
    assertThat(proposed(Command.KindCase.LEASE_EXPIRE)).hasSize(1);
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
    List<Long> expiredLeases = List.of();
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

    @Override
    public List<Long> expiredLeases(int max) {
      return expiredLeases.stream().limit(max).toList();
    }
  }
}
