package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.internal.v1.GetQueryResult;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.statemachine.snapshot.CorruptSnapshotException;
import io.pensieve.statemachine.snapshot.LoadedSnapshot;
import io.pensieve.statemachine.snapshot.SnapshotFormat;
import io.pensieve.statemachine.snapshot.SnapshotStore;
import io.pensieve.store.Entry;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.MapState;
import io.pensieve.store.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public final class PensieveStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(PensieveStateMachine.class);

  private final SnapshotStore snapshots = new SnapshotStore();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final LongSupplier clockMillis;
  private final StateMachineListener listener;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final AtomicLong snapshotsLoaded = new AtomicLong();
  private final AtomicLong snapshotsInstalled = new AtomicLong();
  /** Replaced whole when a snapshot loads; every access holds the lock. */
  private LruTtlMap map = new LruTtlMap();
  /** Replaced with the map; every access holds the lock. */
  private MemberDirectory members = new MemberDirectory();

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
    this.clockMillis = clockMillis;
    this.listener = listener;
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
      map = loaded.map();
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

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    long startNanos = System.nanoTime();
    LogEntryProto entry = trx.getLogEntry();
    CommandBatch batch;
    try {
      batch = trx.getStateMachineContext() instanceof CommandBatch parsed
          ? parsed
          : RatisMessages.parse(CommandBatch.parser(),
              entry.getStateMachineLogEntry().getLogData());
    } catch (InvalidProtocolBufferException e) {
      // The leader parsed these bytes before logging them, so only a build that cannot read
      // them gets here; every such replica skips the entry alike.
      LOG.error("Log entry {} is not a command batch this build can read; skipped",
          TermIndex.valueOf(entry), e);
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.failedFuture(
          new InvalidCommandException("unreadable log entry " + TermIndex.valueOf(entry), e));
    }
    CommandBatchResult result;
    lock.writeLock().lock();
    try {
      result = CommandApplier.apply(map, members, batch);
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    } finally {
      lock.writeLock().unlock();
    }
    Message reply = RatisMessages.toMessage(result);
    tell(() -> listener.entryApplied(System.nanoTime() - startNanos));
    return CompletableFuture.completedFuture(reply);
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
      long nowMillis = Math.max(clockMillis.getAsLong(), map.state().clockMillis());
      for (ByteString key : keys) {
        Optional<Entry> entry = map.get(key.toByteArray(), nowMillis);
        GetResponse.Builder response = GetResponse.newBuilder().setAppliedIndex(appliedIndex);
        if (entry.isPresent()) {
          hits.increment();
          response.setFound(true).setKv(CommandApplier.keyValue(entry.get()));
        } else {
          misses.increment();
        }
        results.addResults(response);
      }
      return results.build();
    });
  }

  /** This node's counters: hits and misses are its own, the rest is replicated state. */
  public StatsResponse stats() {
    return underReadLock(() -> {
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
          .setSettings(SettingsMapping.toProto(state.settings()))
          .build();
    });
  }

  /**
   * A SHA-256 of the replicated state, with the index it reflects. Serialises the whole map
   * under the read lock, which holds apply back meanwhile: for tests and audits, not hot paths.
   */
  public DigestResult digest() {
    return underReadLock(() -> DigestResult.newBuilder()
        .setSha256(ByteString.copyFrom(SnapshotFormat.digest(map, members)))
        .setAppliedIndex(getLastAppliedTermIndex().getIndex())
        .setEntries(map.size())
        .setRevision(map.state().revision())
        .build());
  }

  /** Every member's advertised client addresses, by member id. */
  public Map<String, MemberAddresses> memberAddresses() {
    return underReadLock(members::copy);
  }

  /** The cluster's replicated settings as this node last applied them. */
  public Settings settings() {
    return underReadLock(() -> map.settings());
  }

  /** Whether the cluster's settings were ever set through the log (the first leader does it). */
  public boolean isConfigured() {
    return underReadLock(() -> map.state().configured());
  }

  /** Whether this node's map holds entries expired by its clock: time to propose an Expire. */
  public boolean hasExpiredEntries() {
    return underReadLock(() -> map.hasExpiredEntries(clockMillis.getAsLong()));
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
    lock.readLock().lock();
    try {
      TermIndex last = getLastAppliedTermIndex();
      if (last.getIndex() < 0) {
        return RaftLog.INVALID_LOG_INDEX;
      }
      long startNanos = System.nanoTime();
      LruTtlMap current = map;
      MemberDirectory currentMembers = members;
      Path file = snapshots.write(last, out ->
          SnapshotFormat.write(current, currentMembers, last.getTerm(), last.getIndex(), out));
      long nanos = System.nanoTime() - startNanos;
      long sizeBytes = Files.size(file);
      LOG.info("Took snapshot {}: {} entries, {} bytes in {} ms", file, current.size(),
          sizeBytes, nanos / 1_000_000);
      tell(() -> listener.snapshotTaken(nanos, sizeBytes));
      return last.getIndex();
    } finally {
      lock.readLock().unlock();
    }
  }
}
