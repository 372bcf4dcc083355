package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.pensieve.api.KeyRanges;
import io.pensieve.api.RequestLimits;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;

/**
 * {@code pvctl get} of a range: the pages of {@code KV.Range} one after the other, until the
 * range or {@code --limit} ends. Each page is consistent as of its own applied index; a key that
 * exists throughout is listed exactly once. Also the range bounds that {@code get} and
 * {@code del} take.
 */
final class RangeRead {
  private RangeRead() {}

  /**
   * The end of a range given on the command line: the prefix's end, every key from
   * {@code start} on, {@code rangeEnd}, or empty for {@code start} alone.
   *
   * @throws CliError if more than one of them is given
   */
  static ByteString end(ByteString start, String rangeEnd, boolean prefix, boolean fromKey) {
    if ((rangeEnd != null ? 1 : 0) + (prefix ? 1 : 0) + (fromKey ? 1 : 0) > 1) {
      throw CliError.usage("give one of RANGE_END, --prefix and --from-key");
    }
    if (prefix) {
      return ByteString.copyFrom(KeyRanges.prefixEnd(start.toByteArray()));
    }
    if (fromKey) {
      return ByteString.copyFrom(KeyRanges.fromKey());
    }
    return rangeEnd != null ? Text.bytes(rangeEnd) : ByteString.EMPTY;
  }

  /**
   * @param request the range, its consistency and its keys_only; its limit is the most entries
   *     in all (0 = every one)
   */
  static void print(Session session, RangeRequest request) {
    if (request.getCountOnly()) {
      RangeResponse counted = page(session, request);
      session.output().emit(ProtoJson.object().put("count", counted.getCount())
          .put("applied_index", counted.getAppliedIndex()),
          new Fields().add("count", counted.getCount()));
      return;
    }
    long wanted = request.getLimit();
    RangeRequest.Builder next = request.toBuilder();
    ObjectNode json = ProtoJson.object();
    ArrayNode kvs = json.putArray("kvs");
    Table table = request.getKeysOnly() ? new Table("KEY", "VERSION")
        : new Table("KEY", "VALUE", "VERSION");
    long got = 0;
    boolean more;
    do {
      // without a limit each page is as large as the cluster's max_range_entries allows (0)
      long pageLimit =
          wanted == 0 ? 0 : Math.min(wanted - got, RequestLimits.DEFAULT_RANGE_ENTRIES);
      RangeResponse page = page(session, next.setLimit(pageLimit).build());
      for (KeyValue kv : page.getKvsList()) {
        ObjectNode entry = kvs.addObject().setAll(KeyValues.json(kv));
        if (request.getKeysOnly()) {
          entry.remove("value");
          table.row(Text.show(kv.getKey()), kv.getVersion());
        } else {
          table.row(Text.show(kv.getKey()), Text.show(kv.getValue()), kv.getVersion());
        }
      }
      got += page.getKvsCount();
      more = page.getMore();
      next.setKey(page.getNextKey());
    } while (more && (wanted == 0 || got < wanted));
    json.put("more", more);
    session.output().emit(json, table);
  }

  private static RangeResponse page(Session session, RangeRequest request) {
    return session.cluster().call(RequestKind.READ, stubs -> stubs.kv().range(request));
  }
}
