package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import io.pensieve.api.RequestLimits;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.RangeResult;

/** One page of a range read, bounded by {@link RequestLimits}: for range reads and txn ops. */
final class RangePages {
  private RangePages() {}

  /**
   * The page of {@code request} at {@code nowMillis}, without the applied index. The request is
   * taken as checked: a limit within the cap.
   */
  static RangeResponse read(LruTtlMap map, RangeRequest request, long nowMillis) {
    RangeResponse.Builder response = RangeResponse.newBuilder();
    byte[] key = request.getKey().toByteArray();
    byte[] rangeEnd = request.getRangeEnd().toByteArray();
    if (request.getCountOnly()) {
      return response.setCount(map.count(key, rangeEnd, nowMillis)).build();
    }
    int limit = request.getLimit() == 0 ? RequestLimits.DEFAULT_RANGE_ENTRIES
        : (int) Math.min(request.getLimit(), RequestLimits.DEFAULT_RANGE_ENTRIES);
    RangeResult page = request.getKeysOnly()
        ? map.rangeKeys(key, rangeEnd, limit, RequestLimits.DEFAULT_RANGE_BYTES, nowMillis)
        : map.range(key, rangeEnd, limit, RequestLimits.DEFAULT_RANGE_BYTES, nowMillis);
    page.entries().forEach(entry -> response.addKvs(CommandApplier.keyValue(entry)));
    return response.setMore(page.more()).setNextKey(ByteString.copyFrom(page.nextKey()))
        .build();
  }
}
