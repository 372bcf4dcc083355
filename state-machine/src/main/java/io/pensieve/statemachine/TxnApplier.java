package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import io.pensieve.store.DeleteRangeOutcome;
import io.pensieve.store.Entry;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.LruTtlMap.PlannedWrite;
import io.pensieve.store.Refused;
import io.pensieve.store.Settings;
import io.pensieve.store.WriteOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Applies a transaction, one log command: the compares are read against the map as the command
 * finds it, then the chosen branch's ops run in order, every write at one store revision
 * ({@link LruTtlMap#atOneRevision}), each read seeing the writes before it.
 *
 * <p>All or nothing: everything that could refuse a write (its shape and bounds, a delete-range
 * holding too many keys or, with prev_kv, too many bytes, no room under noeviction, an unknown
 * lease) is checked before the first write, so a refused transaction changes nothing but the
 * clock and due expirations, as any refused command. A write refused after those checks passed
 * would leave the branch half applied: that is a bug, and apply stops rather than go on.
 *
 * <p>Reads inside a transaction are not recorded as uses here (apply changes no LRU order for a
 * read); the serving node records a found {@code get} as a use of its key, as it does for a
 * point read, and a {@code range} as none.
 */
final class TxnApplier {
  private TxnApplier() {}

  static CommandResult apply(LeasedMap store, TxnRequest txn, long stampMillis) {
    LruTtlMap map = store.map();
    Optional<TxnRules.Problem> malformed = TxnRules.check(txn, map.settings());
    if (malformed.isPresent()) {
      return CommandApplier.error(malformed.get().code(), malformed.get().message());
    }
    // the clock every op applies at: the map's never goes back
    long clockMillis = Math.max(map.state().clockMillis(), stampMillis);
    boolean succeeded = txn.getComparesList().stream()
        .allMatch(compare -> holds(compare, map.get(compare.getKey().toByteArray(), clockMillis),
            store));
    List<TxnOp> ops = succeeded ? txn.getSuccessList() : txn.getFailureList();
    Optional<CommandResult> refused = checkWrites(store, ops, stampMillis, clockMillis);
    if (refused.isPresent()) {
      return refused.get();
    }
    ReadBudget budget = new ReadBudget(map.settings());
    List<TxnOpResult> results = map.atOneRevision(() -> {
      List<TxnOpResult> applied = new ArrayList<>(ops.size());
      for (int i = 0; i < ops.size(); i++) {
        applied.add(applyOp(store, ops.get(i), stampMillis, clockMillis, i, budget));
      }
      return applied;
    });
    return CommandResult.newBuilder()
        .setTxn(TxnResponse.newBuilder()
            .setSucceeded(succeeded)
            .setRevision(map.state().revision())
            .addAllResults(results))
        .build();
  }

  /**
   * Whether {@code compare} holds for a key in {@code current} state. A missing key has
   * version, create revision and lease 0 and does not exist; it has no value, so a value
   * compare on it holds for NOT_EQUAL only.
   */
  static boolean holds(Compare compare, Optional<Entry> current, LeasedMap store) {
    int order;
    switch (compare.getTargetCase()) {
      case VERSION -> order = Long.compare(
          current.map(Entry::version).orElse(0L), compare.getVersion());
      case CREATE_REVISION -> order = Long.compare(
          current.map(Entry::createRevision).orElse(0L), compare.getCreateRevision());
      case LEASE -> order = Long.compare(
          current.map(entry -> store.leaseOf(entry.key())).orElse(0L), compare.getLease());
      case EXISTS -> order = Boolean.compare(current.isPresent(), compare.getExists());
      case VALUE -> {
        if (current.isEmpty()) {
          return compare.getOp() == CompareOp.COMPARE_OP_NOT_EQUAL;
        }
        byte[] value = current.get().value();
        byte[] target = compare.getValue().toByteArray();
        order = Arrays.compareUnsigned(value, target);
      }
      default -> throw new IllegalArgumentException("compare without a target: " + compare);
    }
    return switch (compare.getOp()) {
      case COMPARE_OP_EQUAL -> order == 0;
      case COMPARE_OP_NOT_EQUAL -> order != 0;
      case COMPARE_OP_LESS -> order < 0;
      case COMPARE_OP_GREATER -> order > 0;
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown operator: " + compare);
    };
  }

  private static boolean leaseExists(LeasedMap store, long id) {
    return store.leases().lease(id).isPresent();
  }

  /** Why the branch's writes would not all apply; empty if they would. */
  private static Optional<CommandResult> checkWrites(LeasedMap store, List<TxnOp> ops,
      long stampMillis, long clockMillis) {
    LruTtlMap map = store.map();
    List<PlannedWrite> plan = new ArrayList<>();
    List<Integer> opOfWrite = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      TxnOp op = ops.get(i);
      String where = "op " + (i + 1) + " (" + TxnRules.kindName(op) + ")";
      switch (op.getOpCase()) {
        case PUT -> {
          PutRequest put = op.getPut();
          if (put.getLease() != 0 && !leaseExists(store, put.getLease())) {
            // as a plain put with an unknown lease answers
            return Optional.of(CommandApplier.error(ErrorCode.ERROR_CODE_NOT_FOUND,
                where + ": lease " + put.getLease() + " not found"));
          }
          plan.add(new PlannedWrite.Put(put.getKey().toByteArray(), put.getValue().toByteArray(),
              put.hasTtlMillis() ? OptionalLong.of(put.getTtlMillis()) : OptionalLong.empty()));
        }
        case DELETE -> plan.add(new PlannedWrite.Delete(op.getDelete().getKey().toByteArray()));
        case DELETE_RANGE -> {
          DeleteRangeRequest range = op.getDeleteRange();
          byte[] key = range.getKey().toByteArray();
          byte[] rangeEnd = range.getRangeEnd().toByteArray();
          if (range.getPrevKv()) {
            Optional<String> tooLarge = CommandApplier.prevKvsTooLarge(map, key, rangeEnd,
                clockMillis);
            if (tooLarge.isPresent()) {
              return Optional.of(CommandApplier.invalid(where + ": " + tooLarge.get()));
            }
          }
          plan.add(new PlannedWrite.DeleteRange(key, rangeEnd,
              map.settings().maxDeleteRangeKeys()));
        }
        default -> {
          // reads refuse nothing the rules did not check
        }
      }
      while (opOfWrite.size() < plan.size()) {
        opOfWrite.add(i);
      }
    }
    return map.checkWrites(plan, stampMillis).map(refused -> {
      TxnOp op = ops.get(opOfWrite.get(refused.index()));
      Refused why = refused.refused();
      return CommandApplier.refused(new Refused(why.reason(), "op "
          + (opOfWrite.get(refused.index()) + 1) + " (" + TxnRules.kindName(op) + "): "
          + why.message()));
    });
  }

  /**
   * What the range ops of one transaction may still return together: one range reply's worth
   * (max_range_entries and max_range_bytes), so that a reply of many ranges stays as bounded as
   * one range's. A range past the budget returns one entry and says where to go on.
   */
  private static final class ReadBudget {
    int entries;
    long bytes;

    ReadBudget(Settings settings) {
      entries = settings.maxRangeEntries();
      bytes = settings.maxRangeBytes();
    }

    RangeResponse read(LeasedMap store, RangeRequest request, long clockMillis) {
      RangeResponse page = RangePages.read(store, request, clockMillis, Math.max(1, entries),
          Math.max(1, bytes));
      entries -= page.getKvsCount();
      for (KeyValue kv : page.getKvsList()) {
        bytes -= kv.getKey().size() + kv.getValue().size();
      }
      return page;
    }
  }

  private static TxnOpResult applyOp(LeasedMap store, TxnOp op, long stampMillis,
      long clockMillis, int index, ReadBudget budget) {
    LruTtlMap map = store.map();
    TxnOpResult.Builder result = TxnOpResult.newBuilder();
    switch (op.getOpCase()) {
      case PUT -> {
        PutRequest put = op.getPut();
        byte[] key = put.getKey().toByteArray();
        long previousLease = store.leaseOf(key);
        WriteOutcome outcome = store.put(key, put.getValue().toByteArray(),
            put.hasTtlMillis() ? OptionalLong.of(put.getTtlMillis()) : OptionalLong.empty(),
            put.getLease(), put.getPrevKv(), stampMillis);
        if (!(outcome instanceof WriteOutcome.Stored stored)) {
          throw refusedAfterChecks(index, outcome);
        }
        result.setPut(CommandApplier.putResponse(stored, previousLease));
      }
      case DELETE -> {
        DeleteRequest delete = op.getDelete();
        byte[] key = delete.getKey().toByteArray();
        // read before the delete detaches the key
        long lease = store.leaseOf(key);
        WriteOutcome outcome = map.delete(key, Optional.empty(), delete.getPrevKv(), stampMillis);
        DeleteResponse.Builder response = DeleteResponse.newBuilder();
        if (outcome instanceof WriteOutcome.Deleted deleted) {
          response.setDeleted(true).setRevision(deleted.revision());
          deleted.previous().ifPresent(p -> response.setPrevKv(CommandApplier.keyValue(p, lease)));
        } else if (!(outcome instanceof WriteOutcome.NotFound)) {
          throw refusedAfterChecks(index, outcome);
        }
        result.setDelete(response);
      }
      case DELETE_RANGE -> {
        DeleteRangeRequest range = op.getDeleteRange();
        // read before the delete detaches the keys
        Map<ByteString, Long> leases = range.getPrevKv()
            ? CommandApplier.leasesInRange(store, range.getKey().toByteArray(),
                range.getRangeEnd().toByteArray(), clockMillis)
            : Map.of();
        DeleteRangeOutcome outcome = map.deleteRange(range.getKey().toByteArray(),
            range.getRangeEnd().toByteArray(), map.settings().maxDeleteRangeKeys(),
            range.getPrevKv(), stampMillis);
        if (!(outcome instanceof DeleteRangeOutcome.RangeDeleted deleted)) {
          throw refusedAfterChecks(index, outcome);
        }
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder()
            .setDeleted(deleted.deleted())
            .setRevision(deleted.revision());
        deleted.previous().forEach(p -> response.addPrevKvs(CommandApplier.keyValue(p,
            leases.getOrDefault(ByteString.copyFrom(p.key()), 0L))));
        result.setDeleteRange(response);
      }
      case GET -> {
        Optional<Entry> entry = map.get(op.getGet().getKey().toByteArray(), clockMillis);
        GetResponse.Builder response = GetResponse.newBuilder().setFound(entry.isPresent());
        entry.ifPresent(e -> response.setKv(CommandApplier.keyValue(e, store.leaseOf(e.key()))));
        result.setGet(response);
      }
      case RANGE -> result.setRange(budget.read(store, op.getRange(), clockMillis));
      case OP_NOT_SET -> throw new IllegalStateException("op " + (index + 1) + " has no kind,"
          + " which the rules refuse");
    }
    return result.build();
  }

  private static IllegalStateException refusedAfterChecks(int index, Object outcome) {
    return new IllegalStateException("transaction op " + (index + 1) + " was refused after"
        + " every check passed, leaving its branch half applied: " + outcome);
  }
}
