package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.internal.v1.GetQueryResult;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.LeaseListResponse;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.statemachine.snapshot.CorruptSnapshotException;
import io.pensieve.statemachine.snapshot.LoadedSnapshot;
import io.pensieve.statemachine.snapshot.SnapshotFormat;
import io.pensieve.statemachine.snapshot.SnapshotStore;
import io.pensieve.store.Entry;
import io.pensieve.store.Lease;
import io.pensieve.store.LeaseTimeToLive;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.MapState;
import io.pensieve.store.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine that replicates an {@link LruTtlMap}.
 *
 * <ul>
 *   <li>{@link #startTransaction} runs on the leader only: it checks the entry's shape and
 *       stamps the leader's clock into it, the only time apply ever sees.
 *   <li>{@link #applyTransaction} runs on one thread per replica, in log order, and applies the
 *       entry's commands under the write lock.
 *   <li>{@link #query} serves reads under the read lock, concurrently with each other, after
 *       Ratis has done whatever the read's consistency requires (ReadIndex, or nothing).
 *   <li>Snapshots are files in {@link SnapshotFormat}, managed by a {@link SnapshotStore}.
 * </ul>
 *
 * <h2>Fail-stop</h2>
 *
 * A committed entry this replica cannot apply stops it: bytes that are not a {@link
 * CommandBatch}, a command of a kind this build does not apply (a oneof case of a newer
 * version reads as {@code KIND_NOT_SET} with an unknown field), an apply that throws (a broken
 * invariant), or an entry whose index does not follow the last applied one. The replica never
 * skips the entry: skipping would leave it serving a state the others never had. It records a
 * {@link StateMachineHalt} (the node then refuses requests and reports it), logs it once, and
 * throws {@link StateMachineHaltedException} out of {@link #applyTransaction}.
 *
 * <p>Why throw rather than return a failed future, as Ratis 3.3.0 handles each:
 *
 * <ul>
 *   <li>A failed future: {@code StateMachineUpdater.applyLog} has already advanced its applied
 *       index, logs the failure and applies the next entry. The entry would be skipped, and the
 *       member would go on voting and acknowledging appends as if all were well.
 *   <li>A throw: {@code RaftServerImpl.applyLogToStateMachine} wraps it in a {@code
 *       RaftLogIOException} before the updater advances its applied index; the updater logs
 *       it, enters its EXCEPTION state and closes this member's division. A closed division
 *       applies nothing more, answers no vote and no append, and so counts for nothing in
 *       elections or commits: the other members go on as a cluster one member short (a
 *       quorum remains while a majority did not halt). The Raft log on disk is left intact, so
 *       a restart with a build that can apply the entry resumes from it.
 * </ul>
 *
 * After a halt this state machine applies nothing, takes no snapshot (an apply that threw may
 * have changed part of the map) and answers no query; {@link #digest} and {@link #stats} still
 * answer, for diagnosis. A halt is not undone while the process lives.
 */
public final class PensieveStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(PensieveStateMachine.class);

  private final SnapshotStore snapshots = new SnapshotStore();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final LongSupplier clockMillis;
  private final StateMachineListener listener;
  private final Set<Command.KindCase> appliedKinds;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final AtomicLong snapshotsLoaded = new AtomicLong();
  private final AtomicLong snapshotsInstalled = new AtomicLong();
  /** Replaced whole when a snapshot loads; every access holds the lock. */
  private LeasedMap store = new LeasedMap();
  /** Replaced with the map; every access holds the lock. */
  private MemberDirectory members = new MemberDirectory();
  /** Set once, by the apply thread, when this replica stops; never cleared. */
  private volatile StateMachineHalt halt;

  public PensieveStateMachine() {
    this(System::currentTimeMillis);
  }

  /** @param clockMillis this node's wall clock: stamps entries as leader, and expires reads */
  public PensieveStateMachine(LongSupplier clockMillis) {
    this(clockMillis, StateMachineListener.NONE);
  }

  /** @param listener told of leader changes, applies and snapshots (for metrics) */
  public PensieveStateMachine(StateMachineListener listener) {
    this(System::currentTimeMillis, listener);
  }

  public PensieveStateMachine(LongSupplier clockMillis, StateMachineListener listener) {
    this(clockMillis, listener, CommandKinds.all());
  }

  /**
   * @param appliedKinds the kinds of command this build applies: {@link CommandKinds#all} in
   *     production; fewer to play an older build in rolling-upgrade tests. A leader refuses
   *     the others; a follower handed one halts.
   */
  public PensieveStateMachine(LongSupplier clockMillis, StateMachineListener listener,
      Set<Command.KindCase> appliedKinds) {
    this.clockMillis = clockMillis;
    this.listener = listener;
    this.appliedKinds = Set.copyOf(appliedKinds);
  }

  // ---- lifecycle ----

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots.init(raftStorage);
    try {
      getLifeCycle().startAndTransition(() -> loadSnapshot(snapshots.getLatestSnapshot()));
    } catch (CorruptSnapshotException e) {
      LOG.error("Refusing to start: {}. Restore the file from a backup, or clear this node's "
          + "data directory so that it receives a snapshot from the leader.", e.getMessage());
      throw e;
    }
  }

  @Override
  public SnapshotStore getStateMachineStorage() {
    return snapshots;
  }

  /** Ratis pauses the machine before it installs a snapshot from the leader. */
  @Override
  public void pause() {
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  /** Ratis resumes the machine once a snapshot from the leader has replaced its directory. */
  @Override
  public void reinitialize() throws IOException {
    SingleFileSnapshotInfo installed = snapshots.reload();
    if (installed == null) {
      throw new IOException("no snapshot in " + snapshots + " after an install from the leader");
    }
    loadSnapshot(installed);
    snapshotsInstalled.incrementAndGet();
    getLifeCycle().transition(LifeCycle.State.STARTING);
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  private void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      return;
    }
    Path file = snapshot.getFile().getPath();
    long startNanos = System.nanoTime();
    LoadedSnapshot loaded = SnapshotFormat.read(file);
    if (loaded.term() != snapshot.getTerm() || loaded.index() != snapshot.getIndex()) {
      throw new CorruptSnapshotException(file, "it says term " + loaded.term() + " index "
          + loaded.index() + ", its name says " + snapshot.getTermIndex());
    }
    lock.writeLock().lock();
    try {
      store = loaded.store();
      members = loaded.members();
      setLastAppliedTermIndex(snapshot.getTermIndex());
    } finally {
      lock.writeLock().unlock();
    }
    snapshotsLoaded.incrementAndGet();
    long nanos = System.nanoTime() - startNanos;
    LOG.info("Loaded snapshot {}: {} entries at revision {} in {} ms", file,
        loaded.map().size(), loaded.map().state().revision(), nanos / 1_000_000);
    tell(() -> listener.snapshotLoaded(nanos));
  }

  // ---- cluster events: Ratis logs them only at INFO, which the node's logging keeps quiet ----

  /**
   * Ratis calls this on the thread that learned of the change (an election, an append), with
   * no leader when an election starts.
   */
  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
    if (newLeader == null) {
      LOG.info("Member {} lost its leader; an election follows", member.getPeerId());
      return;
    }
    if (newLeader.equals(member.getPeerId())) {
      LOG.info("Member {} won the election and leads", member.getPeerId());
    } else {
      LOG.info("Member {} follows leader {}", member.getPeerId(), newLeader);
    }
    tell(() -> listener.leaderChanged(newLeader.toString()));
  }

  @Override
  public void notifyConfigurationChanged(long term, long index,
      RaftConfigurationProto configuration) {
    LOG.info("Membership at index {} (term {}): voters {}, learners {}", index, term,
        peerIds(configuration.getPeersList()), peerIds(configuration.getListenersList()));
  }

  private static List<String> peerIds(List<RaftPeerProto> peers) {
    return peers.stream().map(peer -> peer.getId().toStringUtf8()).toList();
  }

  // ---- writes ----

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) {
    TransactionContext.Builder builder =
        TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
    CommandBatch batch;
    try {
      batch = RatisMessages.parse(CommandBatch.parser(), request.getMessage());
    } catch (InvalidProtocolBufferException e) {
      return refuse(builder, new InvalidCommandException("malformed command batch", e));
    }
    Optional<String> problem = CommandValidator.check(batch);
    if (problem.isPresent()) {
      return refuse(builder, new InvalidCommandException(problem.get()));
    }
    // never log what this replica would halt on: an older build leading refuses newer kinds
    Optional<CommandKinds.Unreadable> unreadable =
        CommandKinds.firstUnreadable(batch, appliedKinds);
    if (unreadable.isPresent()) {
      return refuse(builder, new InvalidCommandException(unreadable.get().reason()));
    }
    CommandBatch stamped = batch.toBuilder().setLeaderTimeMillis(clockMillis.getAsLong()).build();
    // the parsed entry rides along, so the leader's apply skips parsing it again
    return builder.setLogData(RatisMessages.toByteString(stamped))
        .setStateMachineContext(stamped)
        .build();
  }

  private static TransactionContext refuse(
      TransactionContext.Builder builder, InvalidCommandException problem) {
    TransactionContext trx = builder.build();
    trx.setException(problem);
    return trx;
  }

  /**
   * Applies one committed entry, or halts this replica (see the class comment): then it throws
   * {@link StateMachineHaltedException}, leaves the applied index before the entry, and
   * applies nothing ever after.
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    long startNanos = System.nanoTime();
    LogEntryProto entry = trx.getLogEntry();
    StateMachineHalt halted = halt;
    if (halted != null) {
      throw new StateMachineHaltedException(halted, null);
    }
    long expectedIndex = getLastAppliedTermIndex().getIndex() + 1;
    if (entry.getIndex() != expectedIndex) {
      throw haltAt(entry, "-", "entry " + entry.getIndex() + " does not follow the last applied "
          + "one, " + (expectedIndex - 1), null);
    }
    CommandBatch batch;
    try {
      batch = trx.getStateMachineContext() instanceof CommandBatch parsed
          ? parsed
          : RatisMessages.parse(CommandBatch.parser(),
              entry.getStateMachineLogEntry().getLogData());
    } catch (InvalidProtocolBufferException e) {
      // the leader parsed these bytes before logging them: a build that cannot read them
      // must not guess what they meant
      throw haltAt(entry, "-", "the entry is not a command batch this build can read ("
          + e.getMessage() + ")", e);
    }
    Optional<CommandKinds.Unreadable> unreadable =
        CommandKinds.firstUnreadable(batch, appliedKinds);
    if (unreadable.isPresent()) {
      throw haltAt(entry, unreadable.get().kind(), unreadable.get().reason(), null);
    }
    CommandBatchResult result;
    lock.writeLock().lock();
    try {
      result = CommandApplier.apply(store, members, batch);
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    } catch (RuntimeException | Error e) {
      throw haltAt(entry, kindsOf(batch), "applying it failed: " + e, e);
    } finally {
      lock.writeLock().unlock();
    }
    Message reply = RatisMessages.toMessage(result);
    tell(() -> listener.entryApplied(System.nanoTime() - startNanos));
    return CompletableFuture.completedFuture(reply);
  }

  /** Records the halt, logs it once, and returns what {@link #applyTransaction} throws. */
  private StateMachineHaltedException haltAt(LogEntryProto entry, String command, String reason,
      Throwable cause) {
    StateMachineHalt stopped =
        new StateMachineHalt(entry.getTerm(), entry.getIndex(), command, reason);
    halt = stopped;
    LOG.error("Member {} stops applying the log: {}. The entry is not skipped: this member "
        + "applies nothing more, leaves the group's votes and commits to the others and "
        + "refuses requests, and its applied index stays {}. Restart it with a build that can "
        + "apply the entry; its log and snapshots are intact.", getId(), stopped.describe(),
        getLastAppliedTermIndex().getIndex(), cause);
    return new StateMachineHaltedException(stopped, cause);
  }

  private static String kindsOf(CommandBatch batch) {
    return batch.getCommandsList().stream().map(CommandKinds::name).distinct()
        .reduce((a, b) -> a + "," + b).orElse("none");
  }

  /** Why and where this replica stopped applying the log; empty while it applies. */
  public Optional<StateMachineHalt> halt() {
    return Optional.ofNullable(halt);
  }

  /** A failing listener must not fail an apply or a snapshot: its metrics are not the data. */
  private static void tell(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.warn("The state machine listener failed", e);
    }
  }

  // ---- reads ----

  @Override
  public CompletableFuture<Message> query(Message request) {
    StateMachineHalt halted = halt;
    if (halted != null) {
      return CompletableFuture.failedFuture(new StateMachineHaltedException(halted, null));
    }
    Query query;
    try {
      query = RatisMessages.parse(Query.parser(), request);
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.failedFuture(new InvalidCommandException("malformed query", e));
    }
    QueryResult.Builder result = QueryResult.newBuilder();
    switch (query.getKindCase()) {
      case GET -> result.setGet(readLocal(query.getGet().getKeysList()));
      case STATS -> result.setStats(stats());
      case DIGEST -> result.setDigest(digest());
      case RANGE -> result.setRange(readRange(query.getRange()));
      case KIND_NOT_SET -> {
        return CompletableFuture.failedFuture(new InvalidCommandException("query has no kind"));
      }
    }
    return CompletableFuture.completedFuture(RatisMessages.toMessage(result.build()));
  }

  /**
   * Reads keys from this node's state as it is now, without contacting the leader: what a
   * linearizable read returns after its ReadIndex round, and what a stale read returns at once.
   */
  public GetQueryResult readLocal(Iterable<ByteString> keys) {
    return underReadLock(() -> {
      GetQueryResult.Builder results = GetQueryResult.newBuilder();
      long appliedIndex = getLastAppliedTermIndex().getIndex();
      // never show what apply time already counts as expired, even if this clock is behind
      LruTtlMap map = store.map();
      long nowMillis = Math.max(clockMillis.getAsLong(), map.state().clockMillis());
      for (ByteString key : keys) {
        byte[] keyBytes = key.toByteArray();
        Optional<Entry> entry = map.get(keyBytes, nowMillis);
        GetResponse.Builder response = GetResponse.newBuilder().setAppliedIndex(appliedIndex);
        if (entry.isPresent()) {
          hits.increment();
          response.setFound(true)
              .setKv(CommandApplier.keyValue(entry.get(), store.leaseOf(keyBytes)));
        } else {
          misses.increment();
        }
        results.addResults(response);
      }
      return results.build();
    });
  }

  /**
   * One page of a range read from this node's state as it is now (see {@link #readLocal}),
   * bounded by the cluster's {@code max_range_entries} and {@code max_range_bytes} as this
   * replica last applied them. The request is taken as checked: a limit within the cap.
   */
  public RangeResponse readRange(RangeRequest request) {
    return underReadLock(() -> {
      LruTtlMap map = store.map();
      long nowMillis = Math.max(clockMillis.getAsLong(), map.state().clockMillis());
      return RangePages.read(store, request, nowMillis).toBuilder()
          .setAppliedIndex(getLastAppliedTermIndex().getIndex())
          .build();
    });
  }

  /** This node's counters: hits and misses are its own, the rest is replicated state. */
  public StatsResponse stats() {
    return underReadLock(() -> {
      LruTtlMap map = store.map();
      MapState state = map.state();
      return StatsResponse.newBuilder()
          .setNodeId(String.valueOf(getId()))
          .setEntries(map.size())
          .setBytes(map.bytes())
          .setHits(hits.sum())
          .setMisses(misses.sum())
          .setEvictions(state.evictions())
          .setExpirations(state.expirations())
          .setRevision(state.revision())
          .setAppliedIndex(getLastAppliedTermIndex().getIndex())
          .setSettings(SettingsMapping.toProtoInForce(state.settings()))
          .build();
    });
  }

  /**
   * A SHA-256 of the replicated state, with the index it reflects. Serialises the whole map
   * under the read lock, which holds apply back meanwhile: for tests and audits, not hot paths.
   */
  public DigestResult digest() {
    return underReadLock(() -> DigestResult.newBuilder()
        .setSha256(ByteString.copyFrom(SnapshotFormat.digest(store, members)))
        .setAppliedIndex(getLastAppliedTermIndex().getIndex())
        .setEntries(store.map().size())
        .setRevision(store.map().state().revision())
        .build());
  }

  /** Every member's advertised client addresses, by member id. */
  public Map<String, MemberAddresses> memberAddresses() {
    return underReadLock(members::copy);
  }

  /** The cluster's replicated settings as this node last applied them. */
  public Settings settings() {
    return underReadLock(() -> store.map().settings());
  }

  /** Whether the cluster's settings were ever set through the log (the first leader does it). */
  public boolean isConfigured() {
    return underReadLock(() -> store.map().state().configured());
  }

  /** Whether this node's map holds entries expired by its clock: time to propose an Expire. */
  public boolean hasExpiredEntries() {
    return underReadLock(() -> store.map().hasExpiredEntries(clockMillis.getAsLong()));
  }

  // ---- leases: this node's state as it is now, as readLocal ----

  /** What lease {@code id} has left by this node's view of apply time; empty if none. */
  public Optional<LeaseTimeToLiveResponse> leaseTimeToLive(long id, boolean withKeys) {
    return underReadLock(() -> store.leases().timeToLive(id, nowMillis())
        .map(ttl -> timeToLive(ttl, store.leases().lease(id).orElseThrow().expireAtMillis(),
            withKeys)));
  }

  /** Every lease, by id, without keys. */
  public LeaseListResponse leaseList() {
    return underReadLock(() -> {
      long now = nowMillis();
      LeaseListResponse.Builder list = LeaseListResponse.newBuilder();
      for (Lease lease : store.leases().list()) {
        list.addLeases(LeaseTimeToLiveResponse.newBuilder()
            .setId(lease.id())
            .setTtlSeconds(lease.remainingMillis(now) / 1000)
            .setGrantedTtlSeconds(lease.ttlMillis() / 1000)
            .setExpireAtMillis(lease.expireAtMillis())
            .setKeyCount(lease.keyCount()));
      }
      return list.build();
    });
  }

  private static LeaseTimeToLiveResponse timeToLive(
      LeaseTimeToLive ttl, long expireAtMillis, boolean withKeys) {
    LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder()
        .setId(ttl.id())
        .setExpireAtMillis(expireAtMillis)
        .setTtlSeconds(ttl.remainingMillis() / 1000)
        .setGrantedTtlSeconds(ttl.grantedTtlMillis() / 1000)
        .setKeyCount(ttl.keys().size());
    if (withKeys) {
      ttl.keys().forEach(key -> response.addKeys(ByteString.copyFrom(key)));
    }
    return response.build();
  }

  /**
   * The ids of leases expired by this node's clock, at most {@code max}: what a leader
   * proposes to revoke. Apply revokes only those still expired at the command's stamp.
   */
  public List<Long> expiredLeases(int max) {
    return underReadLock(() -> store.leases().expired(clockMillis.getAsLong(), max));
  }

  /** How many leases the store holds. */
  public int leaseCount() {
    return underReadLock(() -> store.leases().size());
  }

  /** Never earlier than apply time, so a read never shows what apply already counts as gone. */
  private long nowMillis() {
    return Math.max(clockMillis.getAsLong(), store.map().state().clockMillis());
  }

  private <T> T underReadLock(Supplier<T> read) {
    lock.readLock().lock();
    try {
      return read.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Snapshots loaded since start: at start-up, and each one installed from the leader. */
  public long snapshotsLoaded() {
    return snapshotsLoaded.get();
  }

  /** Snapshots received from the leader and loaded since start. */
  public long snapshotsInstalled() {
    return snapshotsInstalled.get();
  }

  // ---- snapshots ----

  /**
   * Ratis calls this on the apply thread, so the map cannot change meanwhile; the read lock
   * only keeps a snapshot install from swapping the map out underneath.
   */
  @Override
  public long takeSnapshot() throws IOException {
    StateMachineHalt halted = halt;
    if (halted != null) {
      // an apply that threw may have changed part of the map: never make that durable
      throw new IOException("no snapshot: " + halted.describe());
    }
    lock.readLock().lock();
    try {
      TermIndex last = getLastAppliedTermIndex();
      if (last.getIndex() < 0) {
        return RaftLog.INVALID_LOG_INDEX;
      }
      long startNanos = System.nanoTime();
      LeasedMap current = store;
      MemberDirectory currentMembers = members;
      Path file = snapshots.write(last, out ->
          SnapshotFormat.write(current, currentMembers, last.getTerm(), last.getIndex(), out));
      long nanos = System.nanoTime() - startNanos;
      long sizeBytes = Files.size(file);
      LOG.info("Took snapshot {}: {} entries, {} bytes in {} ms", file, current.map().size(),
          sizeBytes, nanos / 1_000_000);
      tell(() -> listener.snapshotTaken(nanos, sizeBytes));
      return last.getIndex();
    } finally {
      lock.readLock().unlock();
    }
  }
}
