package io.pensieve.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.tls.TlsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One node, for tests, two ways.
 *
 * <p>The calls that put a value in or take one out ({@link #put}, {@link #value}, {@link
 * #staleValue}, {@link #values}, {@link #putAll}) go through the client library, {@link
 * PensieveClient}, bound to this node alone and making one attempt per call: a test sees this
 * node's own answer or failure (a {@link PensieveException}), never a retry on another node.
 *
 * <p>{@link #kv()}, {@link #admin()}, {@link #get} and {@link #channel()} talk raw gRPC over a
 * channel of their own: the tests of the wire contract itself (status codes, descriptions, the
 * error-code trailer, health and reflection, the Admin service) must see exactly what the node
 * sent, as a {@code StatusRuntimeException}, not the library's reading of it. Every raw call
 * carries a deadline, so a test never hangs on a dead node.
 */
public final class KvClient implements AutoCloseable {
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  /** The deadline of each call of {@link #values} and {@link #putAll}, sent many at once. */
  private static final Duration BATCH_CALL_DEADLINE = CALL_DEADLINE.multipliedBy(3);
  private static final int PIPELINE = 4_096;

  private final ManagedChannel channel;
  private final PensieveClient client;
  private final PensieveClient batchClient;

  private KvClient(ManagedChannel channel, PensieveClient.Builder library) {
    this.channel = channel;
    library.maxAttempts(1);
    this.client = library.deadline(CALL_DEADLINE).build();
    this.batchClient = library.deadline(BATCH_CALL_DEADLINE).build();
  }

  public static KvClient connect(PensieveNode node) {
    return connect(node.grpcPort());
  }

  /** In plaintext, to {@code 127.0.0.1:grpcPort}. */
  public static KvClient connect(int grpcPort) {
    return new KvClient(NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
        .usePlaintext()
        .build(), PensieveClient.builder().endpoints(endpoint(grpcPort)));
  }

  /**
   * With TLS, to {@code 127.0.0.1:grpcPort}, trusting the CA certificates of {@code caPemFile}
   * and presenting none: as a user's client connects to a node started with {@code --tls-*}.
   */
  public static KvClient tls(int grpcPort, Path caPemFile) {
    try {
      return new KvClient(TlsClients.grpc(grpcPort, caPemFile),
          PensieveClient.builder().endpoints(endpoint(grpcPort)).trustedCertificates(caPemFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String endpoint(int grpcPort) {
    return "127.0.0.1:" + grpcPort;
  }

  /** The raw channel, for stubs of services this class does not offer (health, reflection). */
  public ManagedChannel channel() {
    return channel;
  }

  /** A raw blocking stub whose next call must finish within {@link #CALL_DEADLINE}. */
  public KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A raw Admin stub whose next call must finish within {@code deadline}. */
  public AdminGrpc.AdminBlockingStub admin(Duration deadline) {
    return AdminGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public AdminGrpc.AdminBlockingStub admin() {
    return admin(CALL_DEADLINE);
  }

  /** The node's answer to a read, raw: its every field, or its failure as gRPC reported it. */
  public GetResponse get(String key, Consistency consistency) {
    return kv().get(GetRequest.newBuilder().setKey(utf8(key)).setConsistency(consistency).build());
  }

  public PutResponse put(String key, String value) {
    return client.put(key, value);
  }

  /** The value of {@code key} read linearizably, or empty when it does not exist. */
  public Optional<String> value(String key) {
    return client.get(key).map(KvClient::text);
  }

  /** The value of {@code key} in this node's local state (a stale read). */
  public Optional<String> staleValue(String key) {
    return client.getStale(key).map(KvClient::text);
  }

  /**
   * Reads many keys linearizably, many calls in flight at once (the node serves them in a few
   * ReadIndex rounds), and returns each key's value; absent keys map to empty.
   */
  public Map<String, Optional<String>> values(List<String> keys) {
    List<CompletableFuture<GetResponse>> calls = new ArrayList<>(keys.size());
    for (String key : keys) {
      CompletableFuture<GetResponse> call = new CompletableFuture<>();
      batchClient.getAsync(GetRequest.newBuilder().setKey(utf8(key)).build(),
          PensieveClient.Callback.completing(call));
      calls.add(call);
    }
    Map<String, Optional<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      GetResponse response = result(calls.get(i));
      values.put(keys.get(i), response.getFound() ? Optional.of(text(response.getKv()))
          : Optional.empty());
    }
    return values;
  }

  /**
   * Puts every entry, pipelined up to {@link #PIPELINE} calls in flight (the node batches them):
   * more would pass the node's concurrency limit, as they would for any client.
   */
  public void putAll(Map<String, String> entries) {
    List<CompletableFuture<PutResponse>> calls = new ArrayList<>(PIPELINE);
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      CompletableFuture<PutResponse> call = new CompletableFuture<>();
      batchClient.putAsync(putRequest(entry.getKey(), entry.getValue()),
          PensieveClient.Callback.completing(call));
      calls.add(call);
      if (calls.size() == PIPELINE) {
        calls.forEach(KvClient::result);
        calls.clear();
      }
    }
    calls.forEach(KvClient::result);
  }

  private static <T> T result(CompletableFuture<T> call) {
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

  private static String text(KeyValue kv) {
    return kv.getValue().toStringUtf8();
  }

  /** A put of {@code value} at {@code key}, for the raw {@link #kv()} stub. */
  public static PutRequest putRequest(String key, String value) {
    return PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build();
  }

  public static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }

  @Override
  public void close() {
    client.close();
    batchClient.close();
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
