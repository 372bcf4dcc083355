package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.pensieve.api.KeyRanges;
import io.pensieve.api.Ttl;
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import io.pensieve.server.kv.KvException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /v1/txn}'s JSON, mirroring {@code TxnRequest} and {@code TxnResponse} in the
 * style of the other routes: keys are UTF-8 text, values UTF-8 text ({@code value}) or base64
 * ({@code value_base64}), TTLs in seconds, ranges as {@code prefix} or {@code key} with an
 * optional {@code range_end}. A field this mapping does not know is refused, never ignored: a
 * misspelt compare would otherwise hold vacuously.
 *
 * <pre>{@code
 * {"compares": [{"key": "a", "op": "=", "version": 3}],
 *  "success": [{"put": {"key": "a", "value": "1"}}, {"get": {"key": "b"}}],
 *  "failure": [{"range": {"prefix": "p/"}}]}
 * }</pre>
 */
final class TxnJson {
  private static final Map<String, CompareOp> OPERATORS = Map.of(
      "=", CompareOp.COMPARE_OP_EQUAL, "!=", CompareOp.COMPARE_OP_NOT_EQUAL,
      "<", CompareOp.COMPARE_OP_LESS, ">", CompareOp.COMPARE_OP_GREATER);
  private static final Set<String> TARGETS =
      Set.of("version", "create_revision", "value", "value_base64", "lease", "exists");

  private TxnJson() {}

  static TxnRequest request(ObjectNode body) {
    allowOnly(body, "the body", Set.of("compares", "success", "failure"));
    TxnRequest.Builder txn = TxnRequest.newBuilder();
    int i = 0;
    for (JsonNode compare : array(body, "compares")) {
      txn.addCompares(compare(object(compare, "compare " + ++i), "compare " + i));
    }
    i = 0;
    for (JsonNode op : array(body, "success")) {
      txn.addSuccess(op(object(op, "success op " + ++i), "success op " + i));
    }
    i = 0;
    for (JsonNode op : array(body, "failure")) {
      txn.addFailure(op(object(op, "failure op " + ++i), "failure op " + i));
    }
    return txn.build();
  }

  private static Compare compare(ObjectNode json, String where) {
    Set<String> fields = new HashSet<>(TARGETS);
    fields.add("key");
    fields.add("op");
    allowOnly(json, where, fields);
    Compare.Builder compare = Compare.newBuilder().setKey(key(json, where));
    String op = text(json, "op", where).orElseThrow(() -> invalid(where
        + ": missing field \"op\": one of =, !=, <, >"));
    CompareOp operator = OPERATORS.get(op);
    if (operator == null) {
      throw invalid(where + ": op must be one of =, !=, <, >, got \"" + op + "\"");
    }
    compare.setOp(operator);
    long targets = TARGETS.stream().filter(json::has).count();
    if (targets != 1) {
      throw invalid(where + ": give exactly one target: version, create_revision, value"
          + " (or value_base64), lease or exists");
    }
    whole(json, "version", where).ifPresent(compare::setVersion);
    whole(json, "create_revision", where).ifPresent(compare::setCreateRevision);
    whole(json, "lease", where).ifPresent(compare::setLease);
    value(json, where).ifPresent(compare::setValue);
    if (json.has("exists")) {
      if (!json.get("exists").isBoolean()) {
        throw invalid(where + ": field \"exists\" must be true or false");
      }
      compare.setExists(json.get("exists").booleanValue());
    }
    return compare.build();
  }

  private static TxnOp op(ObjectNode json, String where) {
    if (json.size() != 1) {
      throw invalid(where + ": an op is an object with one field: put, delete, delete_range,"
          + " get or range");
    }
    Map.Entry<String, JsonNode> only = json.properties().iterator().next();
    String kind = only.getKey();
    String at = where + " (" + kind + ")";
    ObjectNode fields = object(only.getValue(), at);
    TxnOp.Builder op = TxnOp.newBuilder();
    switch (kind) {
      case "put" -> {
        allowOnly(fields, at, Set.of("key", "value", "value_base64", "ttl_seconds", "prev_kv",
            "lease"));
        PutRequest.Builder put = PutRequest.newBuilder().setKey(key(fields, at))
            .setValue(value(fields, at).orElseThrow(() -> invalid(at
                + ": missing field \"value\" (or \"value_base64\")")))
            .setPrevKv(flag(fields, "prev_kv", at));
        whole(fields, "lease", at).ifPresent(put::setLease);
        OptionalLong ttl = whole(fields, "ttl_seconds", at);
        if (ttl.isPresent()) {
          Ttl.checkSeconds("ttl_seconds", ttl.getAsLong()).ifPresent(outOfRange -> {
            throw invalid(at + ": " + outOfRange);
          });
          put.setTtlMillis(ttl.getAsLong() * 1000);
        }
        op.setPut(put);
      }
      case "delete" -> {
        allowOnly(fields, at, Set.of("key", "prev_kv"));
        op.setDelete(DeleteRequest.newBuilder().setKey(key(fields, at))
            .setPrevKv(flag(fields, "prev_kv", at)));
      }
      case "get" -> {
        allowOnly(fields, at, Set.of("key"));
        op.setGet(GetRequest.newBuilder().setKey(key(fields, at)));
      }
      case "range" -> {
        allowOnly(fields, at, Set.of("key", "range_end", "prefix", "limit", "keys_only",
            "count_only"));
        ByteString[] bounds = bounds(fields, at);
        RangeRequest.Builder range = RangeRequest.newBuilder().setKey(bounds[0])
            .setRangeEnd(bounds[1])
            .setKeysOnly(flag(fields, "keys_only", at))
            .setCountOnly(flag(fields, "count_only", at));
        whole(fields, "limit", at).ifPresent(range::setLimit);
        op.setRange(range);
      }
      case "delete_range" -> {
        allowOnly(fields, at, Set.of("key", "range_end", "prefix", "prev_kv"));
        ByteString[] bounds = bounds(fields, at);
        op.setDeleteRange(DeleteRangeRequest.newBuilder().setKey(bounds[0])
            .setRangeEnd(bounds[1]).setPrevKv(flag(fields, "prev_kv", at)));
      }
      default -> throw invalid(where + ": unknown op \"" + kind
          + "\"; give put, delete, delete_range, get or range");
    }
    return op.build();
  }

  /** {@code prefix}, or {@code key} with an optional {@code range_end}, as the range routes. */
  private static ByteString[] bounds(ObjectNode json, String where) {
    Optional<String> prefix = text(json, "prefix", where);
    if (prefix.isPresent()) {
      if (json.has("key") || json.has("range_end")) {
        throw invalid(where + ": give prefix, or key with an optional range_end, not both");
      }
      ByteString start = ByteString.copyFromUtf8(prefix.get());
      return new ByteString[] {start,
          ByteString.copyFrom(KeyRanges.prefixEnd(start.toByteArray()))};
    }
    return new ByteString[] {key(json, where),
        ByteString.copyFromUtf8(text(json, "range_end", where).orElse(""))};
  }

  static ObjectNode response(TxnResponse response) {
    ObjectNode json = Json.object().put("succeeded", response.getSucceeded())
        .put("revision", response.getRevision());
    ArrayNode results = json.putArray("results");
    for (TxnOpResult result : response.getResultsList()) {
      ObjectNode entry = results.addObject();
      switch (result.getResultCase()) {
        case PUT -> {
          PutResponse put = result.getPut();
          ObjectNode node = entry.putObject("put").put("version", put.getVersion())
              .put("create_revision", put.getCreateRevision());
          if (put.hasPrevKv()) {
            node.set("prev_kv", Json.keyValue(put.getPrevKv()));
          }
        }
        case DELETE -> {
          DeleteResponse delete = result.getDelete();
          ObjectNode node = entry.putObject("delete").put("deleted", delete.getDeleted())
              .put("revision", delete.getRevision());
          if (delete.hasPrevKv()) {
            node.set("prev_kv", Json.keyValue(delete.getPrevKv()));
          }
        }
        case DELETE_RANGE -> {
          DeleteRangeResponse deleted = result.getDeleteRange();
          ObjectNode node = entry.putObject("delete_range")
              .put("deleted", deleted.getDeleted()).put("revision", deleted.getRevision());
          if (deleted.getPrevKvsCount() > 0) {
            ArrayNode previous = node.putArray("prev_kvs");
            deleted.getPrevKvsList().forEach(kv -> previous.add(Json.keyValue(kv)));
          }
        }
        case GET -> {
          GetResponse get = result.getGet();
          ObjectNode node = entry.putObject("get").put("found", get.getFound());
          if (get.getFound()) {
            node.set("kv", Json.keyValue(get.getKv()));
          }
        }
        case RANGE -> {
          RangeResponse range = result.getRange();
          ObjectNode node = entry.putObject("range");
          ArrayNode kvs = node.putArray("kvs");
          range.getKvsList().forEach(kv -> kvs.add(Json.keyValue(kv)));
          node.put("count", range.getCount()).put("more", range.getMore());
          if (range.getMore()) {
            node.put("next_key", range.getNextKey().toStringUtf8());
          }
        }
        case RESULT_NOT_SET -> throw new IllegalStateException("a txn result with no kind");
      }
    }
    return json;
  }

  private static void allowOnly(ObjectNode json, String where, Set<String> fields) {
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw invalid(where + ": unknown field \"" + name + "\"");
      }
    }
  }

  private static Iterable<JsonNode> array(ObjectNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid("field \"" + field + "\" must be an array");
    }
    return node;
  }

  private static ObjectNode object(JsonNode node, String where) {
    if (!(node instanceof ObjectNode object)) {
      throw invalid(where + " must be a JSON object");
    }
    return object;
  }

  private static ByteString key(ObjectNode json, String where) {
    return ByteString.copyFromUtf8(text(json, "key", where)
        .orElseThrow(() -> invalid(where + ": missing field \"key\"")));
  }

  private static Optional<ByteString> value(ObjectNode json, String where) {
    Optional<String> text = text(json, "value", where);
    Optional<String> base64 = text(json, "value_base64", where);
    if (text.isPresent() && base64.isPresent()) {
      throw invalid(where + ": give value or value_base64, not both");
    }
    if (base64.isPresent()) {
      try {
        return Optional.of(ByteString.copyFrom(Base64.getDecoder().decode(base64.get())));
      } catch (IllegalArgumentException e) {
        throw invalid(where + ": value_base64 is not base64");
      }
    }
    return text.map(ByteString::copyFromUtf8);
  }

  private static Optional<String> text(ObjectNode json, String field, String where) {
    return prefixed(where, () -> Json.optionalText(json, field));
  }

  private static OptionalLong whole(ObjectNode json, String field, String where) {
    return prefixed(where, () -> Json.optionalLong(json, field));
  }

  private static boolean flag(ObjectNode json, String field, String where) {
    return prefixed(where, () -> Json.optionalBoolean(json, field));
  }

  private static <T> T prefixed(String where, Supplier<T> read) {
    try {
      return read.get();
    } catch (KvException e) {
      throw invalid(where + ": " + e.getMessage());
    }
  }

  private static KvException invalid(String message) {
    return new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
  }
}
