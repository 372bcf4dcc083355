package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import io.pensieve.store.DeleteRangeOutcome.RangeDeleted;
import io.pensieve.store.Entry;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.Programs;
import io.pensieve.store.Refusal;
import io.pensieve.store.WriteOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A program's transaction applied as the state machine applies one: written as a
 * {@code Command.txn} in a log entry stamped with the program's time, through
 * {@link CommandApplier}, and its result read back as the model answers.
 */
final class AppliedTxn {
  private static final MemberDirectory NO_MEMBERS = MemberDirectory.of(List.of());

  private AppliedTxn() {}

  static Programs.TxnAnswer apply(Programs.Txn txn, LeasedMap store, long stampMillis) {
    CommandBatch entry = CommandBatch.newBuilder()
        .setLeaderTimeMillis(stampMillis)
        .addCommands(Command.newBuilder().setTxn(request(txn)))
        .build();
    CommandResult result = CommandApplier.apply(store, NO_MEMBERS, entry).getResults(0);
    if (result.hasError()) {
      return Programs.TxnAnswer.refused(switch (result.getError().getCode()) {
        case ERROR_CODE_INVALID_ARGUMENT -> Refusal.INVALID_ARGUMENT;
        case ERROR_CODE_KEY_TOO_LARGE -> Refusal.KEY_TOO_LARGE;
        case ERROR_CODE_VALUE_TOO_LARGE -> Refusal.VALUE_TOO_LARGE;
        case ERROR_CODE_NO_SPACE -> Refusal.NO_SPACE;
        case ERROR_CODE_NOT_FOUND -> Refusal.LEASE_NOT_FOUND;
        default -> throw new AssertionError("a transaction refused with " + result.getError());
      });
    }
    TxnResponse response = result.getTxn();
    List<Object> outcomes = new ArrayList<>();
    for (TxnOpResult op : response.getResultsList()) {
      outcomes.add(outcome(op));
    }
    return Programs.TxnAnswer.applied(response.getSucceeded(), response.getRevision(),
        outcomes);
  }

  private static TxnRequest request(Programs.Txn txn) {
    TxnRequest.Builder request = TxnRequest.newBuilder();
    for (Programs.KeyCompare compare : txn.compares()) {
      request.addCompares(compare(compare));
    }
    txn.success().forEach(write -> request.addSuccess(op(write)));
    txn.failure().forEach(write -> request.addFailure(op(write)));
    return request.build();
  }

  private static Compare compare(Programs.KeyCompare compare) {
    Compare.Builder proto = Compare.newBuilder()
        .setKey(ByteString.copyFrom(compare.key()))
        .setOp(switch (compare.op()) {
          case EQUAL -> CompareOp.COMPARE_OP_EQUAL;
          case NOT_EQUAL -> CompareOp.COMPARE_OP_NOT_EQUAL;
          case LESS -> CompareOp.COMPARE_OP_LESS;
          case GREATER -> CompareOp.COMPARE_OP_GREATER;
        });
    switch (compare.target()) {
      case VERSION -> proto.setVersion(compare.value());
      case CREATE_REVISION -> proto.setCreateRevision(compare.value());
      case LEASE -> proto.setLease(compare.value());
      case EXISTS -> proto.setExists(compare.value() != 0);
    }
    return proto.build();
  }

  private static TxnOp op(Programs.Step write) {
    if (write instanceof Programs.Put p) {
      PutRequest.Builder put = PutRequest.newBuilder()
          .setKey(ByteString.copyFrom(p.key()))
          .setValue(ByteString.copyFrom(p.value()))
          .setPrevKv(p.prev())
          .setLease(p.lease());
      p.ttl().ifPresent(put::setTtlMillis);
      return TxnOp.newBuilder().setPut(put).build();
    } else if (write instanceof Programs.Delete d) {
      return TxnOp.newBuilder().setDelete(DeleteRequest.newBuilder()
          .setKey(ByteString.copyFrom(d.key()))
          .setPrevKv(d.prev())).build();
    }
    // the state machine bounds a delete-range by its setting, not by the step's max_keys
    Programs.DeleteRange d = (Programs.DeleteRange) write;
    return TxnOp.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
        .setKey(ByteString.copyFrom(d.key()))
        .setRangeEnd(ByteString.copyFrom(d.rangeEnd()))
        .setPrevKv(d.prev())).build();
  }

  /** A write's result as the store's outcome; the lease of a previous entry is not kept. */
  private static Object outcome(TxnOpResult op) {
    switch (op.getResultCase()) {
      case PUT -> {
        PutResponse put = op.getPut();
        return new WriteOutcome.Stored(put.getVersion(), put.getCreateRevision(),
            put.hasPrevKv() ? Optional.of(entry(put.getPrevKv())) : Optional.empty());
      }
      case DELETE -> {
        DeleteResponse delete = op.getDelete();
        return delete.getDeleted()
            ? new WriteOutcome.Deleted(delete.getRevision(),
                delete.hasPrevKv() ? Optional.of(entry(delete.getPrevKv())) : Optional.empty())
            : new WriteOutcome.NotFound();
      }
      case DELETE_RANGE -> {
        DeleteRangeResponse range = op.getDeleteRange();
        return new RangeDeleted(range.getRevision(), (int) range.getDeleted(),
            range.getPrevKvsList().stream().map(AppliedTxn::entry).toList());
      }
      default -> throw new AssertionError("a write answered with " + op);
    }
  }

  private static Entry entry(KeyValue kv) {
    return new Entry(kv.getKey().toByteArray(), kv.getValue().toByteArray(), kv.getVersion(),
        kv.getCreateRevision(), kv.getExpireAtMillis());
  }
}
