package io.pensieve.server.admin;

import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.ConfigureResult;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.Settings;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.proto.v1.TakeSnapshotResponse;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.DaemonThreads;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.statemachine.RatisMessages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * The operations of the Admin API. Membership and leadership changes must run on the leader
 * (the gRPC layer forwards them there) and run one at a time on a thread of their own, as they
 * wait for Ratis; the rest concern the serving node or go through the log like any write.
 */
public final class AdminService implements AutoCloseable {
  private static final Duration SNAPSHOT_TIMEOUT = Duration.ofMinutes(2);

  private final RaftNode raft;
  private final KvService kv;
  private final Duration requestTimeout;
  private final MembershipChanges membership;
  private final SnapshotRestore restore;
  private final ExecutorService changes = Executors.newSingleThreadExecutor(DaemonThreads.named("pensieve-admin"));

  /**
   * @param electionTimeoutMin the cluster's shortest election timeout: a follower silent for
   *     that long (two heartbeat periods) is counted as down when a removal is checked
   *     against quorum; erring towards "down" only ever refuses a removal
   */
  public AdminService(RaftNode raft, KvService kv, Duration requestTimeout,
      Duration electionTimeoutMin) {
    this.raft = raft;
    this.kv = kv;
    this.requestTimeout = requestTimeout;
    this.membership = new MembershipChanges(raft, electionTimeoutMin,
        kv::cluster);
    this.restore = new SnapshotRestore(kv, System::currentTimeMillis);
  }

  public CompletableFuture<ClusterResponse> addMember(AddMemberRequest request) {
    return onLeader(() -> membership.add(request));
  }

  public CompletableFuture<ClusterResponse> removeMember(String id) {
    return onLeader(() -> membership.remove(id));
  }

  public CompletableFuture<ClusterResponse> promoteMember(String id) {
    return onLeader(() -> membership.promote(id));
  }

  public CompletableFuture<ClusterResponse> transferLeader(String id) {
    return onLeader(() -> membership.transferLeader(id, requestTimeout));
  }

  /** Runs a change on the admin thread, refusing it if this node has stopped leading. */
  private <T> CompletableFuture<T> onLeader(Supplier<T> change) {
    return CompletableFuture.supplyAsync(() -> {
      if (!raft.isLeader()) {
        throw new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE, "this node stopped leading; retry");
      }
      return change.get();
    }, changes);
  }

  /**
   * Takes a snapshot of this node's state machine now, unless the latest covers everything.
   * A ReadIndex round comes first, so that the snapshot holds every write acknowledged before
   * the request, also on a follower that had not applied them all yet.
   */
  public CompletableFuture<TakeSnapshotResponse> takeSnapshot() {
    return statsAfterReadIndex().thenCompose(caughtUp -> raft.takeSnapshot(SNAPSHOT_TIMEOUT))
        .thenApplyAsync(reply -> {
          if (!reply.isSuccess()) {
            throw new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE, "snapshot failed: "
                + reply.getException().getMessage());
          }
          return latestSnapshot();
        }, changes);
  }

  /** The newest snapshot this node holds. */
  private TakeSnapshotResponse latestSnapshot() {
    SingleFileSnapshotInfo latest = raft.stateMachine().getStateMachineStorage()
        .getLatestSnapshot();
    if (latest == null) {
      throw new KvException(ErrorCode.ERROR_CODE_NOT_FOUND, "this node holds no snapshot yet");
    }
    long size;
    try {
      size = Files.size(latest.getFile().getPath());
    } catch (IOException e) {
      size = latest.getFile().getFileSize();
    }
    return TakeSnapshotResponse.newBuilder()
        .setNodeId(raft.localId().toString())
        .setIndex(latest.getIndex())
        .setTerm(latest.getTerm())
        .setPath(latest.getFile().getPath().toAbsolutePath().toString())
        .setSizeBytes(size)
        .build();
  }

  /** The replicated settings after a ReadIndex round: every change acknowledged before shows. */
  public CompletableFuture<Settings> settings() {
    return statsAfterReadIndex().thenApply(StatsResponse::getSettings);
  }

  /** This node's stats once it has applied every write acknowledged before the call. */
  private CompletableFuture<StatsResponse> statsAfterReadIndex() {
    Query stats = Query.newBuilder().setStats(StatsRequest.getDefaultInstance()).build();
    return raft.readLocally(RatisMessages.toMessage(stats))
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((reply, failure) -> {
          if (failure != null || !reply.isSuccess()) {
            throw new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE, "linearizable read failed: "
                + (failure != null ? KvException.from(failure).getMessage()
                    : reply.getException().getMessage()));
          }
          try {
            return RatisMessages.parse(QueryResult.parser(), reply.getMessage()).getStats();
          } catch (IOException e) {
            throw new KvException(ErrorCode.ERROR_CODE_INTERNAL, "unreadable query result: " + e);
          }
        });
  }

  public CompletableFuture<ConfigureResult> updateSettings(UpdateSettingsRequest request) {
    ConfigureCommand changes = request.getChanges();
    if (changes.getOnlyIfUnconfigured()) {
      return CompletableFuture.failedFuture(new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "only_if_unconfigured is for a first leader's bootstrap; leave it unset"));
    }
    if (changes.equals(ConfigureCommand.getDefaultInstance())) {
      return CompletableFuture.failedFuture(new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "name at least one setting to change"));
    }
    return kv.configure(changes);
  }

  /** Writes a snapshot file's leases, settings and entries into the cluster (SnapshotRestore). */
  public CompletableFuture<RestoreSnapshotResponse> restore(Path file) {
    return CompletableFuture.supplyAsync(() -> restore.restore(file), changes);
  }

  @Override
  public void close() {
    changes.shutdownNow();
  }
}
