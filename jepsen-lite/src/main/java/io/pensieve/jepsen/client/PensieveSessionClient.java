package io.pensieve.jepsen.client;

import com.google.protobuf.ByteString;
import io.pensieve.api.KeyRanges;
import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sessions over a node's gRPC {@code Lease} and {@code KV} services, through the Java client,
 * as {@link PensieveRegisterClient} does the register: the client is bound to one node and
 * sends each call once within its deadline, so the history says which node served it; whether
 * a failed write applied is the client's {@link PensieveException#nothingApplied}, from the
 * error table. Grants, puts, renewals, revokes and delete-ranges are writes; a read's failure
 * is a fail.
 */
public final class PensieveSessionClient implements SessionClient {
  /** Far more pages than any run's keys need; a bound so a looping reply cannot hang. */
  private static final int MAX_PAGES = 100_000;

  private final PensieveClient client;
  private final String node;

  /**
   * @param client bound to one node, each call sent once; shared, not closed with this
   * @param node that node's id, for the history
   */
  public PensieveSessionClient(PensieveClient client, String node) {
    this.client = client;
    this.node = node;
  }

  @Override
  public Grant grant(Duration ttl) {
    try {
      LeaseGrantResponse granted = client.call(LeaseGrpc.getGrantMethod(),
          LeaseGrantRequest.newBuilder().setTtlSeconds(ttl.toSeconds()).build(), true);
      return new Grant(Outcome.ok(null), granted.getId(),
          Duration.ofSeconds(granted.getTtlSeconds()));
    } catch (PensieveException e) {
      return new Grant(Outcome.writeFailed(e), 0, ttl);
    }
  }

  @Override
  public Outcome put(String key, String value, long lease) {
    try {
      client.put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).setTtlMillis(0).setLease(lease)
          .build());
      return Outcome.ok(null);
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
  }

  @Override
  public Outcome keepAlive(long lease) {
    try {
      client.call(LeaseGrpc.getKeepAliveOnceMethod(),
          LeaseKeepAliveRequest.newBuilder().setId(lease).build(), true);
      return Outcome.ok(null);
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
  }

  @Override
  public PrefixRead read(String prefix) {
    try {
      RangeResponse response = client.range(range(utf8(prefix), prefix));
      if (response.getMore()) {
        return PrefixRead.fail("the keys of " + prefix + " did not fit in one range reply");
      }
      return PrefixRead.ok(keys(response), response.getAppliedIndex());
    } catch (PensieveException e) {
      return PrefixRead.fail(e.getMessage());
    }
  }

  @Override
  public PrefixRead readAll(String prefix) {
    List<String> keys = new ArrayList<>();
    ByteString from = utf8(prefix);
    long appliedIndex = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
      RangeResponse response;
      try {
        response = client.range(range(from, prefix));
      } catch (PensieveException e) {
        return PrefixRead.fail(e.getMessage());
      }
      keys.addAll(keys(response));
      appliedIndex = Math.max(appliedIndex, response.getAppliedIndex());
      if (!response.getMore()) {
        return PrefixRead.ok(keys, appliedIndex);
      }
      if (ByteString.unsignedLexicographicalComparator().compare(response.getNextKey(), from)
          <= 0) {
        return PrefixRead.fail("page at " + from.toStringUtf8() + " says more from "
            + response.getNextKey().toStringUtf8() + ", which is not past it");
      }
      from = response.getNextKey();
    }
    return PrefixRead.fail("more than " + MAX_PAGES + " pages under " + prefix);
  }

  @Override
  public Outcome revoke(long lease) {
    try {
      client.call(LeaseGrpc.getRevokeMethod(), LeaseRevokeRequest.newBuilder().setId(lease)
          .build(), true);
      return Outcome.ok(null);
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
  }

  @Override
  public Outcome deleteRange(String prefix) {
    try {
      client.deleteRange(DeleteRangeRequest.newBuilder().setKey(utf8(prefix))
          .setRangeEnd(prefixEnd(prefix)).build());
      return Outcome.ok(null);
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public String api() {
    return "grpc";
  }

  @Override
  public void close() {
    // the client belongs to the cluster
  }

  private static RangeRequest range(ByteString from, String prefix) {
    return RangeRequest.newBuilder().setKey(from).setRangeEnd(prefixEnd(prefix))
        .setKeysOnly(true).build();
  }

  private static List<String> keys(RangeResponse response) {
    return response.getKvsList().stream().map(KeyValue::getKey)
        .map(ByteString::toStringUtf8).toList();
  }

  private static ByteString prefixEnd(String prefix) {
    return ByteString.copyFrom(KeyRanges.prefixEnd(prefix.getBytes(StandardCharsets.UTF_8)));
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }
}
