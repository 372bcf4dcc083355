package io.pensieve.server.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.pensieve.api.Ttl;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.GetQuery;
import io.pensieve.internal.v1.LeaseKeepAliveCommand;
import io.pensieve.internal.v1.CommandError;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareAndSetResponse;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.ConfigureResult;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseListResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import io.pensieve.server.auth.Access;
import io.pensieve.server.auth.CallerAccess;
import io.pensieve.server.raft.ClusterView;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.time.NodeClock;
import io.pensieve.statemachine.CommandValidator;
import io.pensieve.statemachine.ConfigureCommands;
import io.pensieve.statemachine.PensieveStateMachine;
import io.pensieve.statemachine.RatisMessages;
import io.pensieve.statemachine.StateMachineHalt;
import io.pensieve.statemachine.TxnRules;
import io.pensieve.store.LeaseTable;
import io.pensieve.store.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * The client operations, in the API's own messages, shared by REST and gRPC. Writes go through
 * the {@link WriteBatcher} to the leader; linearizable reads through the {@link ReadBatcher};
 * stale reads straight to this node's state machine. Failures are {@link KvException}s.
 */
public final class KvService {
  private final RaftNode raft;
  private final PensieveStateMachine stateMachine;
  private final Supplier<MemberAddresses> self;
  private final WriteBatcher writes;
  private final ReadBatcher reads;
  private final TouchRecorder touches = new TouchRecorder();
  private final LeaseKeepAlives keepAlives = new LeaseKeepAlives();
  private final Duration requestTimeout;
  private final NodeClock timers;

  /**
   * @param self this node's advertised addresses, known once its ports are bound
   * @param timers times the requests out: its tasks complete futures and may send the next
   *     batch, so it is the batchers' alone (with the leader's write retries)
   */
  public KvService(RaftNode raft, Supplier<MemberAddresses> self, Duration requestTimeout,
      NodeClock timers) {
    this.raft = raft;
    this.stateMachine = raft.stateMachine();
    this.self = self;
    this.writes = new WriteBatcher(raft::sendWrite, requestTimeout, timers);
    this.reads = new ReadBatcher(raft::readLocally, requestTimeout, timers);
    this.requestTimeout = requestTimeout;
    this.timers = timers;
  }

  public CompletableFuture<PutResponse> put(PutRequest request) {
    return checked(() -> {
      Settings settings = stateMachine.settings();
      checkKey(request.getKey(), settings);
      checkValue(request.getValue(), settings);
      checkTtl(request.hasTtlMillis(), request.getTtlMillis());
      if (request.getLease() < 0) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "lease must be a lease id, or 0 for none; got " + request.getLease());
      }
      return write(Command.newBuilder().setPut(request).build(), CommandResult::getPut);
    });
  }

  public CompletableFuture<CompareAndSetResponse> compareAndSet(CompareAndSetRequest request) {
    return checked(() -> {
      Settings settings = stateMachine.settings();
      checkKey(request.getKey(), settings);
      checkValue(request.getValue(), settings);
      checkTtl(request.hasTtlMillis(), request.getTtlMillis());
      if (request.getCondition().getExpectedCase() == Condition.ExpectedCase.EXPECTED_NOT_SET) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "compare-and-set needs a condition: version, value or absent");
      }
      return write(Command.newBuilder().setCompareAndSet(request).build(),
          CommandResult::getCompareAndSet);
    });
  }

  public CompletableFuture<DeleteResponse> delete(DeleteRequest request) {
    return checked(() -> {
      checkKey(request.getKey(), stateMachine.settings());
      return write(Command.newBuilder().setDelete(request).build(), CommandResult::getDelete);
    });
  }

  /**
   * Removes the keys in {@code [key, range_end)}, all at one revision, in one log command;
   * bounded at apply (see {@code DeleteRangeRequest}). Its bounds are checked as a range's.
   */
  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return checked(() -> {
      checkBounds(request.getKey(), request.getRangeEnd(), stateMachine.settings());
      return write(Command.newBuilder().setDeleteRange(request).build(),
          CommandResult::getDeleteRange);
    });
  }

  /**
   * If the compares hold, the success ops, else the failure ops: one log command, applied all
   * or nothing, every write at one revision (see {@code TxnApplier}). Even a transaction of
   * reads goes through the log, so it is linearizable as a whole. A found {@code get} inside it
   * is a use of its key, as a point read is; a {@code range} is not.
   *
   * @param caller let through with a valid token; a transaction with compares or read ops
   *     needs read, one with write ops write (etcd asks the same of its transactions)
   */
  public CompletableFuture<TxnResponse> txn(TxnRequest request, CallerAccess caller) {
    return checked(() -> {
      if (TxnRules.reads(request)) {
        caller.require(Access.READ);
      }
      if (TxnRules.writes(request)) {
        caller.require(Access.WRITE);
      }
      TxnRules.check(request, stateMachine.settings()).ifPresent(problem -> {
        throw new KvException(problem.code(), problem.message());
      });
      return write(Command.newBuilder().setTxn(request).build(), CommandResult::getTxn)
          .thenApply(response -> {
            for (TxnOpResult result : response.getResultsList()) {
              if (result.hasGet() && result.getGet().getFound()) {
                touches.record(result.getGet().getKv().getKey());
              }
            }
            return response;
          });
    });
  }

  /** A read: {@code found} is false when the key does not exist (or has expired). */
  public CompletableFuture<GetResponse> get(GetRequest request) {
    return checked(() -> {
      checkKey(request.getKey(), stateMachine.settings());
      return read(request);
    });
  }

  private CompletableFuture<GetResponse> read(GetRequest request) {
    CompletableFuture<GetResponse> result;
    if (request.getConsistency() == Consistency.CONSISTENCY_STALE) {
      result = CompletableFuture.completedFuture(
          stateMachine.readLocal(List.of(request.getKey())).getResults(0));
    } else {
      result = reads.read(request.getKey());
    }
    return result.thenApply(response -> {
      if (response.getFound()) {
        touches.record(request.getKey());
      }
      return response;
    });
  }

  /**
   * One page of the keys in {@code [key, range_end)}: linearizable by default (a ReadIndex
   * round of its own, then this node's state), or this node's state at once. Not a use of the
   * keys: no touches are recorded.
   */
  public CompletableFuture<RangeResponse> range(RangeRequest request) {
    return checked(() -> {
      checkRange(request, stateMachine.settings());
      if (request.getConsistency() == Consistency.CONSISTENCY_STALE) {
        return CompletableFuture.completedFuture(stateMachine.readRange(request));
      }
      CompletableFuture<RaftClientReply> reply;
      try {
        reply = raft.readLocally(RatisMessages.toMessage(
            Query.newBuilder().setRange(request).build())).copy();
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      return timers.failAfter(reply, requestTimeout).handle((answer, failure) -> {
        Throwable problem = failure != null ? failure
            : (answer.isSuccess() ? null : answer.getException());
        if (problem == null) {
          try {
            return RatisMessages.parse(QueryResult.parser(), answer.getMessage()).getRange();
          } catch (InvalidProtocolBufferException e) {
            problem = e;
          }
        }
        throw ReadBatcher.readFailed(problem);
      });
    });
  }

  private static void checkRange(RangeRequest request, Settings settings) {
    checkBounds(request.getKey(), request.getRangeEnd(), settings);
    int cap = settings.maxRangeEntries();
    if (request.getLimit() < 0 || request.getLimit() > cap) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "limit must be between 0"
          + " (the cluster's cap) and max_range_entries " + cap + ", got " + request.getLimit());
    }
  }

  /** A range's {@code [key, end)}, the same for reads and deletes. */
  private static void checkBounds(ByteString key, ByteString end, Settings settings) {
    if (key.isEmpty() && end.isEmpty()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "the key must not be empty (give range_end \\0 and an empty key for every key)");
    }
    for (ByteString bound : List.of(key, end)) {
      if (bound.size() > settings.maxKeyBytes()) {
        throw new KvException(ErrorCode.ERROR_CODE_KEY_TOO_LARGE, "a range bound is "
            + bound.size() + " bytes; the cluster's limit on keys is " + settings.maxKeyBytes());
      }
    }
    boolean fromKeyOn = end.size() == 1 && end.byteAt(0) == 0;
    if (!end.isEmpty() && !fromKeyOn
        && ByteString.unsignedLexicographicalComparator().compare(end, key) <= 0) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "range_end must come after key (or be empty for key alone, or \\0 for every key from"
              + " key on)");
    }
  }

  // ---- leases ----

  /** Grants a lease through the log; a TTL out of range or an id in use is refused. */
  public CompletableFuture<LeaseGrantResponse> grantLease(LeaseGrantRequest request) {
    return checked(() -> {
      long ttlSeconds = request.getTtlSeconds();
      if (ttlSeconds < LeaseTable.MIN_TTL_MILLIS / 1000
          || ttlSeconds > LeaseTable.MAX_TTL_MILLIS / 1000) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "ttl_seconds must be "
            + "between " + LeaseTable.MIN_TTL_MILLIS / 1000 + " and "
            + LeaseTable.MAX_TTL_MILLIS / 1000 + ", got " + ttlSeconds);
      }
      if (request.getId() < 0 || request.getId() > LeaseTable.MAX_CLIENT_ID) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "id must be 0 (the cluster"
            + " chooses) or between 1 and " + LeaseTable.MAX_CLIENT_ID + ", got "
            + request.getId());
      }
      return write(Command.newBuilder().setLeaseGrant(request).build(),
          CommandResult::getLeaseGrant);
    });
  }

  /** Revokes a lease and deletes its keys, at one revision, in one log command. */
  public CompletableFuture<LeaseRevokeResponse> revokeLease(LeaseRevokeRequest request) {
    return checked(() -> {
      checkLeaseId(request.getId());
      return write(Command.newBuilder().setLeaseRevoke(request).build(),
          CommandResult::getLeaseRevoke);
    });
  }

  /**
   * Renews a lease: queued with every renewal this node receives in the interval, proposed as
   * one command, and answered once that command is applied (NOT_FOUND if the lease is gone).
   */
  public CompletableFuture<LeaseKeepAliveResponse> keepAliveLease(LeaseKeepAliveRequest request) {
    return checked(() -> {
      checkLeaseId(request.getId());
      Optional<StateMachineHalt> halt = stateMachine.halt();
      if (halt.isPresent()) {
        throw KvException.halted(halt.get());
      }
      if (raft.leaderId().isEmpty()) {
        throw new KvException(ErrorCode.ERROR_CODE_NO_LEADER,
            "no leader is known (an election is under way or quorum is lost); not renewed");
      }
      return keepAlives.renew(request.getId());
    });
  }

  /**
   * Renews {@code ids} in one command of their own, answered once it is applied, with the ids
   * that name no lease. Not through the per-node coalescing that clients' renewals share: a
   * node holding many leases at once (a snapshot restore, while it writes their keys) would
   * fill that queue's bound and crowd the clients' renewals out of it.
   *
   * @param ids at most {@link CommandValidator#MAX_LEASE_IDS}
   */
  public CompletableFuture<List<Long>> renewLeases(List<Long> ids) {
    return checked(() -> {
      if (ids.isEmpty() || ids.size() > CommandValidator.MAX_LEASE_IDS) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "a renewal names 1 to "
            + CommandValidator.MAX_LEASE_IDS + " leases, got " + ids.size());
      }
      ids.forEach(KvService::checkLeaseId);
      return write(Command.newBuilder()
              .setLeaseKeepAlive(LeaseKeepAliveCommand.newBuilder().addAllIds(ids)).build(),
          result -> result.getLeaseKeepAlive().getRenewedList().stream()
              .filter(renewed -> renewed.getExpireAtMillis() == 0)
              .map(LeaseKeepAliveResponse::getId)
              .toList());
    });
  }

  /** A lease's remaining TTL (and keys), linearizable: after a ReadIndex round. */
  public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(
      LeaseTimeToLiveRequest request) {
    return checked(() -> {
      checkLeaseId(request.getId());
      return readBarrier().thenApply(caughtUp ->
          stateMachine.leaseTimeToLive(request.getId(), request.getKeys())
              .orElseThrow(() -> new KvException(ErrorCode.ERROR_CODE_NOT_FOUND,
                  "lease " + request.getId() + " not found")));
    });
  }

  /** Every lease, linearizable: after a ReadIndex round. */
  public CompletableFuture<LeaseListResponse> listLeases() {
    return readBarrier().thenApply(caughtUp -> stateMachine.leaseList());
  }

  private static void checkLeaseId(long id) {
    if (id <= 0) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "a lease id is greater than 0, got " + id);
    }
  }

  /**
   * Completes once this node has applied every write acknowledged before it was called: a
   * ReadIndex round that reads no key. What it then reads of its own state is linearizable.
   */
  private CompletableFuture<Void> readBarrier() {
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = raft.readLocally(RatisMessages.toMessage(Query.newBuilder()
          .setGet(GetQuery.getDefaultInstance()).build())).copy();
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return timers.failAfter(reply, requestTimeout).handle((answer, failure) -> {
      Throwable problem = failure != null ? failure
          : (answer.isSuccess() ? null : answer.getException());
      if (problem != null) {
        throw ReadBatcher.readFailed(problem);
      }
      return null;
    });
  }

  LeaseKeepAlives keepAlives() {
    return keepAlives;
  }

  /** Changes the replicated settings through the log; out-of-range values change nothing. */
  public CompletableFuture<ConfigureResult> configure(ConfigureCommand changes) {
    return write(ConfigureCommands.of(changes), CommandResult::getConfigure);
  }

  public StatsResponse stats() {
    return stateMachine.stats();
  }

  public ClusterResponse cluster() {
    return ClusterView.of(raft, self.get());
  }

  /** Proposes a command of the node's own (touch, expire, configure, advertise). */
  CompletableFuture<CommandResult> propose(Command command) {
    Optional<StateMachineHalt> halt = stateMachine.halt();
    if (halt.isPresent()) {
      return CompletableFuture.failedFuture(KvException.halted(halt.get()));
    }
    return writes.submit(command);
  }

  TouchRecorder touches() {
    return touches;
  }

  /** Stops taking writes; those already queued still go out. */
  public void close() {
    writes.close();
  }

  /** Whether no write is queued or in flight. */
  public boolean idle() {
    return writes.idle();
  }

  /** Runs an operation whose checks throw, as a future that fails instead. */
  private static <T> CompletableFuture<T> checked(Supplier<CompletableFuture<T>> operation) {
    try {
      return operation.get();
    } catch (KvException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private <T> CompletableFuture<T> write(Command command, Function<CommandResult, T> payload) {
    // a halted node sends nothing more to its cluster, its own commands included
    Optional<StateMachineHalt> halt = stateMachine.halt();
    if (halt.isPresent()) {
      return CompletableFuture.failedFuture(KvException.halted(halt.get()));
    }
    if (raft.leaderId().isEmpty()) {
      return CompletableFuture.failedFuture(new KvException(ErrorCode.ERROR_CODE_NO_LEADER,
          "no leader is known (an election is under way or quorum is lost); not applied"));
    }
    return writes.submit(command).thenApply(result -> {
      if (result.hasError()) {
        throw refusal(result.getError());
      }
      return payload.apply(result);
    });
  }

  private static KvException refusal(CommandError error) {
    // apply refused it, so nothing changed: a code this node does not know is still a refusal
    ErrorCode code = error.getCode();
    if (code == ErrorCode.UNRECOGNIZED || code == ErrorCode.ERROR_CODE_UNSPECIFIED) {
      code = ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    }
    return new KvException(code, error.getMessage());
  }

  private static void checkKey(ByteString key, Settings settings) {
    if (key.isEmpty()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "the key must not be empty");
    }
    if (key.size() > settings.maxKeyBytes()) {
      throw new KvException(ErrorCode.ERROR_CODE_KEY_TOO_LARGE, "the key is " + key.size()
          + " bytes; the cluster's limit is " + settings.maxKeyBytes());
    }
  }

  private static void checkValue(ByteString value, Settings settings) {
    if (value.size() > settings.maxValueBytes()) {
      throw new KvException(ErrorCode.ERROR_CODE_VALUE_TOO_LARGE, "the value is " + value.size()
          + " bytes; the cluster's limit is " + settings.maxValueBytes());
    }
  }

  private static void checkTtl(boolean given, long ttlMillis) {
    if (given) {
      Ttl.checkMillis("ttl_millis", ttlMillis).ifPresent(outOfRange -> {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, outOfRange);
      });
    }
  }
}
