package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.RangeResult;
import io.pensieve.store.Settings;

/**
 * One page of a range read, bounded by the cluster's max_range_entries and max_range_bytes: for
 * range reads and txn ops.
 */
final class RangePages {
  private RangePages() {}

  /**
   * The page of {@code request} at {@code nowMillis}, without the applied index. The request is
   * taken as checked: a limit within the cap.
   */
  static RangeResponse read(LeasedMap store, RangeRequest request, long nowMillis) {
    // a cap lowered since the request was checked still bounds this reply
    Settings settings = store.map().settings();
    return read(store, request, nowMillis, settings.maxRangeEntries(), settings.maxRangeBytes());
  }

  /**
   * As {@link #read}, within what is left of a budget that several ranges share (a
   * transaction's): at most {@code maxEntries} entries (at least 1) and {@code maxBytes} of keys
   * and values, but always at least one entry if the range has any.
   */
  static RangeResponse read(LeasedMap store, RangeRequest request, long nowMillis,
      int maxEntries, long maxBytes) {
    LruTtlMap map = store.map();
    RangeResponse.Builder response = RangeResponse.newBuilder();
    byte[] key = request.getKey().toByteArray();
    byte[] rangeEnd = request.getRangeEnd().toByteArray();
    if (request.getCountOnly()) {
      return response.setCount(map.count(key, rangeEnd, nowMillis)).build();
    }
    int limit = request.getLimit() == 0 ? maxEntries
        : (int) Math.min(request.getLimit(), maxEntries);
    RangeResult page = request.getKeysOnly()
        ? map.rangeKeys(key, rangeEnd, limit, maxBytes, nowMillis)
        : map.range(key, rangeEnd, limit, maxBytes, nowMillis);
    page.entries().forEach(entry ->
        response.addKvs(CommandApplier.keyValue(entry, store.leaseOf(entry.key()))));
    return response.setMore(page.more()).setNextKey(ByteString.copyFrom(page.nextKey()))
        .build();
  }
}
