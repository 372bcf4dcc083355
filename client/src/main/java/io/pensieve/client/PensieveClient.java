package io.pensieve.client;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContext;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareAndSetResponse;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseListRequest;
import io.pensieve.proto.v1.LeaseListResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A client of a Pensieve cluster over gRPC: the {@code KV} service of any of its nodes.
 *
 * <p>Each call has one deadline, for all its attempts. A failed call is sent again, to the next
 * endpoint, only when {@link PensieveException#retrySafe} says so: the node's error code is
 * retryable by the error table of {@code errors.proto} and, for a write, certainly not applied;
 * or no connection could be made. A write that may have reached a node is never sent twice: its
 * failure says {@code OUTCOME_UNKNOWN}. Calls start at the endpoint that answered last.
 *
 * <p>The typed methods cover the {@code KV} and {@code Lease} services (leases renewed by
 * {@link #keepAlive}); {@link #call(MethodDescriptor, Object, boolean)} sends any other unary
 * request (the {@code Admin} service, the standard health service) and {@link #call(Function,
 * boolean)} a stream, both with the same failover.
 *
 * <p>Thread-safe; one client serves a whole application. Close it to release its connections.
 */
public final class PensieveClient implements AutoCloseable {
  /** Room for a value at the ceiling (4 MiB) with its key and framing, as the node allows. */
  static final int MAX_MESSAGE_BYTES = 5 * 1024 * 1024;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The settings this client was built with, for {@link #toBuilder}. */
  private final Builder settings;
  private final List<String> endpoints;
  private final ManagedChannel[] channels;
  private final long deadlineNanos;
  private final RetryPolicy retries;
  /** The endpoint of the last answer: where the next call starts. */
  private volatile int preferred;
  /** The one stream renewing every lease kept alive; made on first use. */
  private KeepAliveStreams keepAlives;
  private boolean closed;

  private PensieveClient(Builder builder) {
    this.settings = builder.copy();
    this.endpoints = builder.endpoints.stream().map(Endpoint::toString).toList();
    this.channels = new ManagedChannel[endpoints.size()];
    for (int i = 0; i < channels.length; i++) {
      channels[i] = builder.channelTo(builder.endpoints.get(i));
    }
    this.deadlineNanos = builder.deadline.toNanos();
    int attempts = builder.maxAttempts > 0 ? builder.maxAttempts
        : Math.max(3, 2 * endpoints.size());
    this.retries = new RetryPolicy(attempts, builder.retryPause, builder.maxRetryPause);
  }

  /** A builder with the defaults; {@link Builder#endpoints} must be called. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this client's settings (endpoints, TLS, token, deadline, attempts), for a
   * client that differs in a few: {@code client.toBuilder().deadline(Duration.ofSeconds(1))
   * .build()}. The new client has connections of its own.
   */
  public Builder toBuilder() {
    return settings.copy();
  }

  /**
   * A client of the node at {@code hostPort} only, with this client's TLS, token and deadline:
   * each call sent once, its failure the caller's; for asking each member in turn about itself.
   * It has a connection of its own: close it when done.
   */
  public PensieveClient member(String hostPort) {
    return toBuilder().endpoints(hostPort).maxAttempts(1).build();
  }

  /** The endpoints, {@code host:port}, in the order calls try them. */
  public List<String> endpoints() {
    return endpoints;
  }

  // ----- reads -------------------------------------------------------------------------------

  /** The key's entry, read linearizably; empty when it does not exist. */
  public Optional<KeyValue> get(String key) {
    return found(get(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()));
  }

  /** The key's entry in the serving node's own state, which may lag the leader's. */
  public Optional<KeyValue> getStale(String key) {
    return found(get(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setConsistency(Consistency.CONSISTENCY_STALE).build()));
  }

  public GetResponse get(GetRequest request) {
    return call(KVGrpc.getGetMethod(), request, false);
  }

  /**
   * One page of the keys in {@code [key, range_end)}, in key order: linearizable unless the
   * request asks for {@code CONSISTENCY_STALE}. Page on with {@code key = next_key} while
   * {@code more}.
   */
  public RangeResponse range(RangeRequest request) {
    return call(KVGrpc.getRangeMethod(), request, false);
  }

  /** The counters and settings of the node that answers. */
  public StatsResponse stats() {
    return call(KVGrpc.getStatsMethod(), StatsRequest.getDefaultInstance(), false);
  }

  /** The members, their roles and addresses, and the leader, as the answering node sees them. */
  public ClusterResponse cluster() {
    return call(KVGrpc.getClusterMethod(), ClusterRequest.getDefaultInstance(), false);
  }

  // ----- writes ------------------------------------------------------------------------------

  /** Stores a value with the cluster's default time to live. */
  public PutResponse put(String key, String value) {
    return put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value)).build());
  }

  /** Stores a value that expires after {@code ttl}; {@link Duration#ZERO} never expires. */
  public PutResponse put(String key, String value, Duration ttl) {
    return put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value)).setTtlMillis(ttl.toMillis()).build());
  }

  /** Every option of a put: bytes, time to live, the previous entry. */
  public PutResponse put(PutRequest request) {
    return call(KVGrpc.getPutMethod(), request, true);
  }

  /** Removes a key; false when it did not exist. */
  public boolean delete(String key) {
    return delete(DeleteRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build())
        .getDeleted();
  }

  /** Every option of a delete: the previous entry, a condition. */
  public DeleteResponse delete(DeleteRequest request) {
    return call(KVGrpc.getDeleteMethod(), request, true);
  }

  /**
   * Removes the keys in {@code [key, range_end)}, all at one revision; refused, deleting
   * nothing, past the bound on keys per command (see {@code DeleteRangeRequest}).
   */
  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    return call(KVGrpc.getDeleteRangeMethod(), request, true);
  }

  /**
   * If every compare holds, applies the success ops, else the failure ops, all or nothing, every
   * write at one revision; one result per op applied. A failed compare is no error:
   * {@code succeeded} says which branch ran. A transaction of reads only is sent again on the
   * same terms as a read; one with a write op as a write (see {@link PensieveException}).
   */
  public TxnResponse txn(TxnRequest request) {
    boolean write = Stream.concat(request.getSuccessList().stream(),
            request.getFailureList().stream())
        .anyMatch(op -> op.hasPut() || op.hasDelete() || op.hasDeleteRange());
    return call(KVGrpc.getTxnMethod(), request, write);
  }

  /** Stores {@code value} only if the key holds {@code expected}; false when it did not. */
  public boolean compareAndSet(String key, String expected, String value) {
    return compareAndSet(CompareAndSetRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value))
        .setCondition(Condition.newBuilder().setValue(ByteString.copyFromUtf8(expected)))
        .build()).getSucceeded();
  }

  /** Every option of a compare-and-set: the condition, time to live, the previous entry. */
  public CompareAndSetResponse compareAndSet(CompareAndSetRequest request) {
    return call(KVGrpc.getCompareAndSetMethod(), request, true);
  }

  // ----- leases ------------------------------------------------------------------------------

  /** Grants a lease of {@code ttl} (whole seconds, at least 5) with an id the cluster chooses. */
  public LeaseGrantResponse grantLease(Duration ttl) {
    return grantLease(LeaseGrantRequest.newBuilder().setTtlSeconds(ttl.toSeconds()).build());
  }

  /** Every option of a grant: the TTL in seconds, the id to use. */
  public LeaseGrantResponse grantLease(LeaseGrantRequest request) {
    return call(LeaseGrpc.getGrantMethod(), request, true);
  }

  /** Revokes a lease and deletes every key attached to it; NOT_FOUND if there is none. */
  public LeaseRevokeResponse revokeLease(long id) {
    return call(LeaseGrpc.getRevokeMethod(),
        LeaseRevokeRequest.newBuilder().setId(id).build(), true);
  }

  /**
   * Renews a lease once, answered when the renewal is applied; NOT_FOUND if the lease is gone.
   * Sent again on failover: a renewal applied twice only renews twice.
   */
  public LeaseKeepAliveResponse keepAliveOnce(long id) {
    return call(LeaseGrpc.getKeepAliveOnceMethod(),
        LeaseKeepAliveRequest.newBuilder().setId(id).build(), false);
  }

  /**
   * Keeps lease {@code id} alive, renewing every third of its TTL, until the result is closed.
   * Every lease this client keeps alive is renewed over one {@code KeepAlive} stream (see
   * {@link LeaseKeepAlive}).
   */
  public LeaseKeepAlive keepAlive(long id) {
    return keepAlives().add(id);
  }

  private synchronized KeepAliveStreams keepAlives() {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    if (keepAlives == null) {
      keepAlives = new KeepAliveStreams(List.of(channels), endpoints, () -> preferred,
          settings.retryPause, Duration.ofNanos(deadlineNanos));
    }
    return keepAlives;
  }

  /** A lease's remaining and granted TTL, with its keys when {@code keys}; NOT_FOUND if none. */
  public LeaseTimeToLiveResponse leaseTimeToLive(long id, boolean keys) {
    return call(LeaseGrpc.getTimeToLiveMethod(),
        LeaseTimeToLiveRequest.newBuilder().setId(id).setKeys(keys).build(), false);
  }

  /** Every lease, in id order. */
  public LeaseListResponse listLeases() {
    return call(LeaseGrpc.getListMethod(), LeaseListRequest.getDefaultInstance(), false);
  }

  // ----- asynchronous ------------------------------------------------------------------------

  /** How an asynchronous call ended: exactly one of the two is called, once. */
  public interface Callback<T> {
    void succeeded(T response);

    void failed(PensieveException failure);

    /** Completes {@code future} with the response, or exceptionally with the failure. */
    static <T> Callback<T> completing(CompletableFuture<? super T> future) {
      return new Callback<>() {
        @Override
        public void succeeded(T response) {
          future.complete(response);
        }

        @Override
        public void failed(PensieveException failure) {
          future.completeExceptionally(failure);
        }
      };
    }
  }

  /**
   * A put that returns at once; {@code callback} runs on a gRPC thread (the transport's own with
   * {@link Builder#directExecutor}) and must not block. Retried as {@link #put(PutRequest)} is.
   */
  public void putAsync(PutRequest request, Callback<PutResponse> callback) {
    new AsyncCall<>(KVGrpc.getPutMethod(), request, true, callback).start();
  }

  /** A get that returns at once; see {@link #putAsync}. */
  public void getAsync(GetRequest request, Callback<GetResponse> callback) {
    new AsyncCall<>(KVGrpc.getGetMethod(), request, false, callback).start();
  }

  // ----- any request ---------------------------------------------------------------------------

  /**
   * Sends a unary request of any service the nodes serve, such as {@code
   * AdminGrpc.getStatusMethod()}, with the failover and deadline of the typed methods.
   *
   * @param write whether the request may change the cluster: then it is sent again only when it
   *     certainly did not apply (see {@link PensieveException#retrySafe})
   * @throws PensieveException when the last attempt failed; earlier ones are suppressed in it
   */
  public <Q, R> R call(MethodDescriptor<Q, R> method, Q request, boolean write) {
    return call(channel -> ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT,
        request), write);
  }

  /**
   * Runs {@code rpc} against one endpoint's channel, and again against the next endpoint's when
   * its gRPC failure allows, as {@link #call(MethodDescriptor, Object, boolean)} does: for
   * streams, and for a few calls that belong together (a fallback to an older method). Every
   * call made on the channel gets this call's deadline unless it sets its own; {@code rpc} may
   * start at its beginning again on the next endpoint, so it must not keep partial results.
   *
   * @param rpc makes its calls on the channel, blocking until their answer
   * @param write whether what {@code rpc} sends may change the cluster
   * @throws PensieveException when the last attempt failed with a gRPC status; any other
   *     exception of {@code rpc} ends the call at once, unchanged
   */
  public <T> T call(Function<Channel, T> rpc, boolean write) {
    Deadline deadline = Deadline.after(deadlineNanos, TimeUnit.NANOSECONDS);
    int index = preferred;
    List<PensieveException> earlier = new ArrayList<>(0);
    for (int attempts = 1; ; attempts++) {
      try {
        T response = rpc.apply(ClientInterceptors.intercept(channels[index],
            new DeadlineUnlessSet(deadline)));
        preferred = index;
        return response;
      } catch (StatusRuntimeException e) {
        PensieveException failure = PensieveException.of(e, write, endpoints.get(index));
        if (!retries.retry(failure, attempts, deadline.timeRemaining(TimeUnit.NANOSECONDS),
            channels.length)) {
          earlier.forEach(failure::addSuppressed);
          throw failure;
        }
        earlier.add(failure);
        pause(retries.pauseNanos(attempts, channels.length), failure);
        index = RetryPolicy.next(index, channels.length);
      }
    }
  }

  /** Gives a call the deadline of the client call it is part of, unless it has one. */
  private record DeadlineUnlessSet(Deadline deadline) implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
        CallOptions options, Channel next) {
      return next.newCall(method,
          options.getDeadline() == null ? options.withDeadline(deadline) : options);
    }
  }

  private static void pause(long nanos, PensieveException failure) {
    if (nanos == 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure;
    }
  }

  /** One asynchronous call through its attempts; itself the observer of each in turn. */
  private final class AsyncCall<Q, R> implements StreamObserver<R> {
    private final MethodDescriptor<Q, R> method;
    private final Q request;
    private final boolean write;
    private final Callback<R> callback;
    private final Deadline deadline;
    private int index;
    private int attempts;
    private R response;

    AsyncCall(MethodDescriptor<Q, R> method, Q request, boolean write, Callback<R> callback) {
      this.method = method;
      this.request = request;
      this.write = write;
      this.callback = callback;
      this.deadline = Deadline.after(deadlineNanos, TimeUnit.NANOSECONDS);
      this.index = preferred;
    }

    void start() {
      attempts++;
      ClientCalls.asyncUnaryCall(channels[index].newCall(method,
          CallOptions.DEFAULT.withDeadline(deadline)), request, this);
    }

    @Override
    public void onNext(R value) {
      response = value;
    }

    @Override
    public void onCompleted() {
      preferred = index;
      callback.succeeded(response);
    }

    @Override
    public void onError(Throwable error) {
      PensieveException failure = PensieveException.of(error, write, endpoints.get(index));
      if (!retries.retry(failure, attempts, deadline.timeRemaining(TimeUnit.NANOSECONDS),
          channels.length)) {
        callback.failed(failure);
        return;
      }
      long pause = retries.pauseNanos(attempts, channels.length);
      index = RetryPolicy.next(index, channels.length);
      if (pause == 0) {
        start();
      } else {
        CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS).execute(this::start);
      }
    }
  }

  private static Optional<KeyValue> found(GetResponse response) {
    return response.getFound() ? Optional.of(response.getKv()) : Optional.empty();
  }

  /** Stops every keep-alive and closes every connection; calls in flight end with a failure. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (keepAlives != null) {
        keepAlives.close();
      }
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The settings of a client; {@link #build} may be called more than once. */
  public static final class Builder {
    private List<Endpoint> endpoints = List.of();
    private Duration deadline = Duration.ofSeconds(5);
    private Optional<ClientInterceptor> token = Optional.empty();
    private Optional<SslContext> tls = Optional.empty();
    private int maxAttempts;
    private Duration retryPause = Duration.ofMillis(50);
    private Duration maxRetryPause = Duration.ofSeconds(1);
    private boolean directExecutor;

    private Builder() {}

    /** The nodes' gRPC addresses, {@code host:port}; calls try them in this order. */
    public Builder endpoints(String... hostPorts) {
      return endpoints(Arrays.asList(hostPorts));
    }

    /** The nodes' gRPC addresses, {@code host:port}; calls try them in this order. */
    public Builder endpoints(List<String> hostPorts) {
      if (hostPorts.isEmpty()) {
        throw new IllegalArgumentException("no endpoint");
      }
      this.endpoints = hostPorts.stream().map(Endpoint::parse).toList();
      return this;
    }

    /** How long a call may take, all its attempts included (default 5 s). */
    public Builder deadline(Duration deadline) {
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline " + deadline + " is not positive");
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * Sends {@code authorization: Bearer <token>} on every call: a token the nodes' {@code
     * --auth} accepts (a JWT).
     */
    public Builder bearerToken(String token) {
      if (token.isEmpty() || !token.chars().allMatch(c -> c > ' ' && c < 127)) {
        throw new IllegalArgumentException("a token is printable ASCII without spaces");
      }
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      this.token = Optional.of(MetadataUtils.newAttachHeadersInterceptor(headers));
      return this;
    }

    /**
     * Connects with TLS, trusting the CA certificates of a PEM file (the nodes' {@code
     * --tls-ca}); read now, so that a bad file fails here.
     */
    public Builder trustedCertificates(Path caPemFile) {
      if (!Files.isReadable(caPemFile)) {
        throw new IllegalArgumentException(caPemFile + ": no such readable file");
      }
      try {
        this.tls = Optional.of(GrpcSslContexts.forClient().trustManager(caPemFile.toFile())
            .build());
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(caPemFile + " holds no PEM CA certificate ("
            + e.getMessage() + ")", e);
      }
      return this;
    }

    /**
     * Attempts per call, the first included (default: two per endpoint, at least 3). 1 sends
     * every call once, to the first endpoint (or the one that answered last).
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts " + maxAttempts + " < 1");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The pause after a round of failures over every endpoint (default 50 ms), doubled each
     * round up to {@code max} (default 1 s): time for an election to end.
     */
    public Builder retryPause(Duration pause, Duration max) {
      new RetryPolicy(1, pause, max);
      this.retryPause = pause;
      this.maxRetryPause = max;
      return this;
    }

    /**
     * Runs the callbacks of asynchronous calls on the transport's own threads, saving a thread
     * hop per call: for callbacks that only record and send, never block.
     */
    public Builder directExecutor() {
      this.directExecutor = true;
      return this;
    }

    /** A client with these settings; its connections open on first use. */
    public PensieveClient build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("no endpoint: call endpoints(...)");
      }
      return new PensieveClient(this);
    }

    private Builder copy() {
      Builder copy = new Builder();
      copy.endpoints = endpoints;
      copy.deadline = deadline;
      copy.token = token;
      copy.tls = tls;
      copy.maxAttempts = maxAttempts;
      copy.retryPause = retryPause;
      copy.maxRetryPause = maxRetryPause;
      copy.directExecutor = directExecutor;
      return copy;
    }

    private ManagedChannel channelTo(Endpoint endpoint) {
      NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.host(),
          endpoint.port()).maxInboundMessageSize(MAX_MESSAGE_BYTES);
      token.ifPresent(builder::intercept);
      if (directExecutor) {
        builder.directExecutor();
      }
      return (tls.isPresent() ? builder.sslContext(tls.get()) : builder.usePlaintext()).build();
    }
  }
}
