package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import io.pensieve.api.RequestLimits;
import io.pensieve.api.Ttl;
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.store.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a transaction must be, whatever the map holds: at most {@link #maxOps} ops, each of a
 * known kind and valid as the same request alone would be, compares with a target and an
 * operator that makes sense for it, and no two write ops of one branch on one key (puts and
 * deletes on distinct keys, delete-ranges overlapping neither each other nor them), so that the
 * order of a branch's writes never decides what it leaves. The serving node checks it before
 * proposing, and apply checks it again: the log may hold a transaction from a node that
 * checked against other settings.
 */
public final class TxnRules {
  private TxnRules() {}

  /** Why a transaction is refused: the error's code and a message that names the problem. */
  public record Problem(ErrorCode code, String message) {}

  /**
   * The most ops, success and failure counted together, that a transaction may hold: the one
   * place the limit is read.
   */
  public static int maxOps(Settings settings) {
    return RequestLimits.DEFAULT_TXN_OPS;
  }

  /** The most entries a range op's limit may ask for, and a page holds. */
  public static int maxRangeEntries() {
    return RequestLimits.DEFAULT_RANGE_ENTRIES;
  }

  /** Whether {@code txn} holds a write op in either branch: then it needs the write role. */
  public static boolean writes(TxnRequest txn) {
    return Stream.concat(txn.getSuccessList().stream(),
        txn.getFailureList().stream()).anyMatch(op -> writeSpan(op).isPresent());
  }

  /** Why {@code txn} is refused under {@code settings}; empty if it is well formed. */
  public static Optional<Problem> check(TxnRequest txn, Settings settings) {
    int ops = txn.getSuccessCount() + txn.getFailureCount();
    int maxOps = maxOps(settings);
    if (ops > maxOps) {
      return invalid("a transaction may hold at most " + maxOps + " ops; this one has " + ops);
    }
    for (int i = 0; i < txn.getComparesCount(); i++) {
      Optional<Problem> problem = checkCompare(txn.getCompares(i), settings);
      if (problem.isPresent()) {
        return prefixed("compare " + (i + 1), problem.get());
      }
    }
    return checkBranch("success", txn.getSuccessList(), settings)
        .or(() -> checkBranch("failure", txn.getFailureList(), settings));
  }

  private static Optional<Problem> checkCompare(Compare compare, Settings settings) {
    Optional<Problem> key = checkKey(compare.getKey(), settings);
    if (key.isPresent()) {
      return key;
    }
    if (compare.getOp() == CompareOp.UNRECOGNIZED) {
      return invalid("unknown operator " + compare.getOpValue());
    }
    return switch (compare.getTargetCase()) {
      case TARGET_NOT_SET -> invalid(
          "no target: compare version, create_revision, value, lease or exists");
      case EXISTS -> compare.getOp() == CompareOp.COMPARE_OP_EQUAL
          || compare.getOp() == CompareOp.COMPARE_OP_NOT_EQUAL ? Optional.empty()
          : invalid("exists compares with = or != only");
      default -> Optional.empty();
    };
  }

  private static Optional<Problem> checkBranch(String branch, List<TxnOp> ops,
      Settings settings) {
    List<KeySpan> writes = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      TxnOp op = ops.get(i);
      String where = branch + " op " + (i + 1) + " (" + kindName(op) + ")";
      Optional<Problem> problem = checkOp(op, settings);
      if (problem.isPresent()) {
        return prefixed(where, problem.get());
      }
      Optional<KeySpan> span = writeSpan(op);
      if (span.isPresent()) {
        for (KeySpan earlier : writes) {
          if (earlier.overlaps(span.get())) {
            return invalid(where + " writes " + span.get() + ", which " + earlier.op()
                + " writes too; a transaction writes each key at most once");
          }
        }
        writes.add(span.get().named(where));
      }
    }
    return Optional.empty();
  }

  private static Optional<Problem> checkOp(TxnOp op, Settings settings) {
    return switch (op.getOpCase()) {
      case PUT -> checkPut(op.getPut(), settings);
      case DELETE -> op.getDelete().hasCondition()
          ? invalid("a delete in a transaction takes no condition; use a compare")
          : checkKey(op.getDelete().getKey(), settings);
      case DELETE_RANGE -> {
        DeleteRangeRequest range = op.getDeleteRange();
        yield checkBounds(range.getKey(), range.getRangeEnd(), settings);
      }
      case GET -> checkKey(op.getGet().getKey(), settings);
      case RANGE -> checkRange(op.getRange(), settings);
      case OP_NOT_SET -> invalid("no op kind: give put, delete, delete_range, get or range");
    };
  }

  private static Optional<Problem> checkPut(PutRequest put, Settings settings) {
    Optional<Problem> key = checkKey(put.getKey(), settings);
    if (key.isPresent()) {
      return key;
    }
    if (put.getValue().size() > settings.maxValueBytes()) {
      return Optional.of(new Problem(ErrorCode.ERROR_CODE_VALUE_TOO_LARGE, "the value is "
          + put.getValue().size() + " bytes; the cluster's limit is " + settings.maxValueBytes()));
    }
    if (put.hasTtlMillis()) {
      return Ttl.checkMillis("ttl_millis", put.getTtlMillis())
          .flatMap(TxnRules::invalid);
    }
    return Optional.empty();
  }

  /** A range op is checked as a range read alone is. */
  static Optional<Problem> checkRange(RangeRequest range, Settings settings) {
    Optional<Problem> bounds = checkBounds(range.getKey(), range.getRangeEnd(), settings);
    if (bounds.isPresent()) {
      return bounds;
    }
    if (range.getLimit() < 0 || range.getLimit() > maxRangeEntries()) {
      return invalid("limit must be between 0 (the node's cap) and " + maxRangeEntries()
          + ", got " + range.getLimit());
    }
    return Optional.empty();
  }

  private static Optional<Problem> checkKey(ByteString key, Settings settings) {
    if (key.isEmpty()) {
      return invalid("the key must not be empty");
    }
    if (key.size() > settings.maxKeyBytes()) {
      return Optional.of(new Problem(ErrorCode.ERROR_CODE_KEY_TOO_LARGE, "the key is "
          + key.size() + " bytes; the cluster's limit is " + settings.maxKeyBytes()));
    }
    return Optional.empty();
  }

  /** A range's {@code [key, end)}, the same for reads and deletes. */
  private static Optional<Problem> checkBounds(ByteString key, ByteString end,
      Settings settings) {
    if (key.isEmpty() && end.isEmpty()) {
      return invalid(
          "the key must not be empty (give range_end \\0 and an empty key for every key)");
    }
    for (ByteString bound : List.of(key, end)) {
      if (bound.size() > settings.maxKeyBytes()) {
        return Optional.of(new Problem(ErrorCode.ERROR_CODE_KEY_TOO_LARGE, "a range bound is "
            + bound.size() + " bytes; the cluster's limit on keys is " + settings.maxKeyBytes()));
      }
    }
    if (!end.isEmpty() && !isFromKey(end) && UNSIGNED.compare(end, key) <= 0) {
      return invalid("range_end must come after key (or be empty for key alone, or \\0 for"
          + " every key from key on)");
    }
    return Optional.empty();
  }

  /** The name of an op's kind as the schema writes it: put, delete, delete_range, get, range. */
  public static String kindName(TxnOp op) {
    return op.getOpCase() == TxnOp.OpCase.OP_NOT_SET ? "none"
        : TxnOp.getDescriptor().findFieldByNumber(op.getOpCase().getNumber()).getName();
  }

  /** The keys a write op changes; empty for reads. */
  private static Optional<KeySpan> writeSpan(TxnOp op) {
    return switch (op.getOpCase()) {
      case PUT -> Optional.of(KeySpan.of(op.getPut().getKey(), ByteString.EMPTY));
      case DELETE -> Optional.of(KeySpan.of(op.getDelete().getKey(), ByteString.EMPTY));
      case DELETE_RANGE -> Optional.of(KeySpan.of(op.getDeleteRange().getKey(),
          op.getDeleteRange().getRangeEnd()));
      default -> Optional.empty();
    };
  }

  private static final Comparator<ByteString> UNSIGNED =
      ByteString.unsignedLexicographicalComparator();

  private static boolean isFromKey(ByteString end) {
    return end.size() == 1 && end.byteAt(0) == 0;
  }

  /**
   * The keys {@code [start, end)}, with an empty {@code end} for no end (every key from
   * {@code start} on); written by {@code op}.
   */
  private record KeySpan(ByteString start, ByteString end, String op) {
    static KeySpan of(ByteString key, ByteString rangeEnd) {
      if (rangeEnd.isEmpty()) {
        // key alone: up to the key's immediate successor
        return new KeySpan(key, key.concat(ByteString.copyFrom(new byte[] {0})), "");
      }
      return new KeySpan(key, isFromKey(rangeEnd) ? ByteString.EMPTY : rangeEnd, "");
    }

    KeySpan named(String name) {
      return new KeySpan(start, end, name);
    }

    boolean overlaps(KeySpan other) {
      return below(start, other.end) && below(other.start, end);
    }

    /** Whether {@code key} comes before {@code end}, an empty end being past every key. */
    private static boolean below(ByteString key, ByteString end) {
      return end.isEmpty() || UNSIGNED.compare(key, end) < 0;
    }

    @Override
    public String toString() {
      ByteString pointEnd = start.concat(ByteString.copyFrom(new byte[] {0}));
      if (end.equals(pointEnd)) {
        return "key '" + start.toStringUtf8() + "'";
      }
      return "[" + "'" + start.toStringUtf8() + "', "
          + (end.isEmpty() ? "the end" : "'" + end.toStringUtf8() + "'") + ")";
    }
  }

  private static Optional<Problem> prefixed(String where, Problem problem) {
    return Optional.of(new Problem(problem.code(), where + ": " + problem.message()));
  }

  private static Optional<Problem> invalid(String message) {
    return Optional.of(new Problem(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message));
  }
}
