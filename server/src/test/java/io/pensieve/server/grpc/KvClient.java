package io.pensieve.server.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.server.PensieveNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext gRPC channel to one node with the generated stubs, for tests. Every call made
 * through {@link #kv()} carries a deadline, so a test never hangs on a dead node.
 */
public final class KvClient implements AutoCloseable {
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private static final int PIPELINE = 4_096;

  private final ManagedChannel channel;

  private KvClient(ManagedChannel channel) {
    this.channel = channel;
  }

  public static KvClient connect(PensieveNode node) {
    return connect(node.grpcPort());
  }

  public static KvClient connect(int grpcPort) {
    return new KvClient(NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
        .usePlaintext()
        .build());
  }

  /** Over a channel the test built (TLS, say); closing the client closes it. */
  public static KvClient over(ManagedChannel channel) {
    return new KvClient(channel);
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** A blocking stub whose next call must finish within {@link #CALL_DEADLINE}. */
  public KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** An Admin stub whose next call must finish within {@code deadline}. */
  public AdminGrpc.AdminBlockingStub admin(Duration deadline) {
    return AdminGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public AdminGrpc.AdminBlockingStub admin() {
    return admin(CALL_DEADLINE);
  }

  public PutResponse put(String key, String value) {
    return kv().put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build());
  }

  public GetResponse get(String key, Consistency consistency) {
    return kv().get(GetRequest.newBuilder().setKey(utf8(key)).setConsistency(consistency).build());
  }

  /** The value of {@code key} read linearizably, or empty when it does not exist. */
  public Optional<String> value(String key) {
    return valueOf(get(key, Consistency.CONSISTENCY_LINEARIZABLE));
  }

  /** The value of {@code key} in this node's local state (a stale read). */
  public Optional<String> staleValue(String key) {
    return valueOf(get(key, Consistency.CONSISTENCY_STALE));
  }

  /**
   * Reads many keys linearizably, many calls in flight at once (the node serves them in a few
   * ReadIndex rounds), and returns each key's value; absent keys map to empty.
   */
  public Map<String, Optional<String>> values(List<String> keys) {
    KVGrpc.KVFutureStub stub = KVGrpc.newFutureStub(channel)
        .withDeadlineAfter(CALL_DEADLINE.toMillis() * 3, TimeUnit.MILLISECONDS);
    List<ListenableFuture<GetResponse>> calls = new ArrayList<>(keys.size());
    for (String key : keys) {
      calls.add(stub.get(GetRequest.newBuilder().setKey(utf8(key)).build()));
    }
    Map<String, Optional<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      values.put(keys.get(i), valueOf(result(calls.get(i))));
    }
    return values;
  }

  /** Writes every entry with all the calls in flight at once (the node batches them). */
  /**
   * Puts every entry, pipelined up to {@link #PIPELINE} calls in flight: more would pass the
   * node's concurrency limit, as they would for any client.
   */
  public void putAll(Map<String, String> entries) {
    KVGrpc.KVFutureStub stub = KVGrpc.newFutureStub(channel)
        .withDeadlineAfter(CALL_DEADLINE.toMillis() * 3, TimeUnit.MILLISECONDS);
    List<ListenableFuture<PutResponse>> calls = new ArrayList<>(PIPELINE);
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      calls.add(stub.put(PutRequest.newBuilder()
          .setKey(utf8(entry.getKey())).setValue(utf8(entry.getValue())).build()));
      if (calls.size() == PIPELINE) {
        calls.forEach(KvClient::result);
        calls.clear();
      }
    }
    calls.forEach(KvClient::result);
  }

  private static <T> T result(ListenableFuture<T> call) {
    try {
      return call.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> valueOf(GetResponse response) {
    return response.getFound() ? Optional.of(response.getKv().getValue().toStringUtf8())
        : Optional.empty();
  }

  public static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
