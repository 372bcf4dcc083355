package io.pensieve.server.grpc;

import static io.pensieve.server.grpc.KvClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareAndSetResponse;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.Role;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code pensieve.v1.KV} gRPC API of a real three-node cluster, through the generated
 * blocking stubs on plaintext channels: every call, its conditions, absence as data, the error
 * statuses with their trailer, and the health and reflection services.
 */
class KvGrpcIT {
  private static final int MAX_KEY_BYTES = 64;
  private static final int MAX_VALUE_BYTES = 4096;
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> builder.initialSettings(
      new Settings(0, 0, EvictionPolicy.LRU, 0, MAX_KEY_BYTES, MAX_VALUE_BYTES)));
  /** One client per node, by node id. */
  static final Map<String, KvClient> clients = new LinkedHashMap<>();
  private static final AtomicInteger keys = new AtomicInteger();

  @BeforeAll
  static void connectClients() throws Exception {
    for (PensieveNode node : cluster.nodes()) {
      clients.put(node.info().id(), KvClient.connect(node));
    }
    // the first leader proposes the settings after it is elected: wait until each node has them
    for (KvClient client : clients.values()) {
      await("settings applied").atMost(PATIENCE).until(() -> client.kv()
          .stats(StatsRequest.getDefaultInstance()).getSettings().getMaxValueBytes()
          == MAX_VALUE_BYTES);
    }
  }

  @AfterAll
  static void closeClients() {
    clients.values().forEach(KvClient::close);
  }

  /** A key no other test uses. */
  private static ByteString freshKey(String name) {
    return utf8("grpc/" + name + "/" + keys.incrementAndGet());
  }

  private static KvClient follower() {
    return clients.get(cluster.followers().get(0).info().id());
  }

  private static KvClient leader() {
    return clients.get(cluster.awaitLeader().info().id());
  }

  private static PutResponse put(KvClient client, ByteString key, String value) {
    return client.kv().put(PutRequest.newBuilder().setKey(key).setValue(utf8(value)).build());
  }

  private static GetResponse get(KvClient client, ByteString key, Consistency consistency) {
    return client.kv().get(GetRequest.newBuilder().setKey(key).setConsistency(consistency).build());
  }

  // ---- Put and Get ----

  @Test
  void aPutIsReadBackLinearizablyWithItsVersionFromTheNodeThatTookIt() {
    KvClient client = follower();
    ByteString key = freshKey("put");

    PutResponse put = put(client, key, "blue");
    GetResponse read = get(client, key, Consistency.CONSISTENCY_LINEARIZABLE);

    assertThat(put.getVersion()).isPositive();
    assertThat(put.getCreateRevision()).isEqualTo(put.getVersion());
    assertThat(put.hasPrevKv()).isFalse();
    assertThat(read.getFound()).isTrue();
    assertThat(read.getKv().getKey()).isEqualTo(key);
    assertThat(read.getKv().getValue().toStringUtf8()).isEqualTo("blue");
    assertThat(read.getKv().getVersion()).isEqualTo(put.getVersion());
    assertThat(read.getKv().getCreateRevision()).isEqualTo(put.getCreateRevision());
    assertThat(read.getKv().getExpireAtMillis()).as("no TTL given, default TTL 0").isZero();
    assertThat(read.getAppliedIndex()).isPositive();
  }

  @Test
  void aStaleReadServesTheNodesLocalStateOnEveryNode() {
    ByteString key = freshKey("stale");
    PutResponse put = put(leader(), key, "green");

    for (KvClient client : clients.values()) {
      // a follower may not have applied the write yet when the leader acknowledges it
      GetResponse read = await("stale read finds the key").atMost(PATIENCE)
          .until(() -> get(client, key, Consistency.CONSISTENCY_STALE), GetResponse::getFound);
      assertThat(read.getKv().getValue().toStringUtf8()).isEqualTo("green");
      assertThat(read.getKv().getVersion()).isEqualTo(put.getVersion());
      assertThat(read.getAppliedIndex()).isPositive();
    }
  }

  @Test
  void aMissingKeyIsFoundFalseNotAnErrorInBothConsistencies() {
    ByteString key = freshKey("missing");

    for (KvClient client : clients.values()) {
      GetResponse linearizable = get(client, key, Consistency.CONSISTENCY_LINEARIZABLE);
      GetResponse stale = get(client, key, Consistency.CONSISTENCY_STALE);

      assertThat(linearizable.getFound()).isFalse();
      assertThat(linearizable.hasKv()).isFalse();
      assertThat(linearizable.getAppliedIndex()).isPositive();
      assertThat(stale.getFound()).isFalse();
      assertThat(stale.hasKv()).isFalse();
    }
  }

  @Test
  void aSecondPutReturnsThePreviousKeyValueWhenAskedAndKeepsTheCreateRevision() {
    KvClient client = follower();
    ByteString key = freshKey("overwrite");
    PutResponse first = put(client, key, "one");

    PutResponse second = client.kv().put(PutRequest.newBuilder().setKey(key)
        .setValue(utf8("two")).setPrevKv(true).build());

    assertThat(second.getVersion()).isGreaterThan(first.getVersion());
    assertThat(second.getCreateRevision()).isEqualTo(first.getVersion());
    assertThat(second.getPrevKv().getValue().toStringUtf8()).isEqualTo("one");
    assertThat(second.getPrevKv().getVersion()).isEqualTo(first.getVersion());
    assertThat(client.value(key.toStringUtf8())).contains("two");
  }

  @Test
  void binaryKeysAndValuesRoundTripByteForByte() {
    KvClient client = follower();
    ByteString key = ByteString.copyFrom(new byte[] {0, (byte) 0xff, 'k', (byte) 0x80});
    ByteString value = ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28, 0, 1, 2});

    client.kv().put(PutRequest.newBuilder().setKey(key).setValue(value).build());
    GetResponse read = get(client, key, Consistency.CONSISTENCY_LINEARIZABLE);

    assertThat(read.getFound()).isTrue();
    assertThat(read.getKv().getValue()).isEqualTo(value);
  }

  // ---- Delete ----

  @Test
  void anUnconditionalDeleteRemovesTheKeyAndReturnsItWhenAsked() {
    KvClient client = follower();
    ByteString key = freshKey("delete");
    PutResponse put = put(client, key, "doomed");

    DeleteResponse deleted = client.kv().delete(DeleteRequest.newBuilder().setKey(key)
        .setPrevKv(true).build());

    assertThat(deleted.getDeleted()).isTrue();
    assertThat(deleted.getCompareFailed()).isFalse();
    assertThat(deleted.getRevision()).isGreaterThan(put.getVersion());
    assertThat(deleted.getPrevKv().getValue().toStringUtf8()).isEqualTo("doomed");
    assertThat(deleted.getPrevKv().getVersion()).isEqualTo(put.getVersion());
    assertThat(get(client, key, Consistency.CONSISTENCY_LINEARIZABLE).getFound()).isFalse();
  }

  @Test
  void deletingAMissingKeyDeletesNothingAndIsNotAnError() {
    DeleteResponse deleted = follower().kv().delete(DeleteRequest.newBuilder()
        .setKey(freshKey("never-written")).setPrevKv(true).build());

    assertThat(deleted.getDeleted()).isFalse();
    assertThat(deleted.getRevision()).isZero();
    assertThat(deleted.hasPrevKv()).isFalse();
    assertThat(deleted.getCompareFailed()).isFalse();
  }

  @Test
  void aConditionalDeleteHappensOnlyWhenTheConditionHolds() {
    KvClient client = follower();
    ByteString key = freshKey("conditional-delete");
    PutResponse put = put(client, key, "kept");

    DeleteResponse wrongVersion = client.kv().delete(DeleteRequest.newBuilder().setKey(key)
        .setCondition(Condition.newBuilder().setVersion(put.getVersion() + 1000)).build());
    DeleteResponse wrongValue = client.kv().delete(DeleteRequest.newBuilder().setKey(key)
        .setCondition(Condition.newBuilder().setValue(utf8("other"))).build());
    GetResponse afterFailures = get(client, key, Consistency.CONSISTENCY_LINEARIZABLE);
    DeleteResponse rightVersion = client.kv().delete(DeleteRequest.newBuilder().setKey(key)
        .setCondition(Condition.newBuilder().setVersion(put.getVersion())).build());

    assertThat(wrongVersion.getDeleted()).isFalse();
    assertThat(wrongVersion.getCompareFailed()).isTrue();
    assertThat(wrongVersion.getPrevKv().getValue().toStringUtf8())
        .as("a failed condition returns the current key-value").isEqualTo("kept");
    assertThat(wrongVersion.getPrevKv().getVersion()).isEqualTo(put.getVersion());
    assertThat(wrongValue.getDeleted()).isFalse();
    assertThat(wrongValue.getCompareFailed()).isTrue();
    assertThat(afterFailures.getFound()).isTrue();
    assertThat(rightVersion.getDeleted()).isTrue();
    assertThat(rightVersion.getCompareFailed()).isFalse();
    assertThat(get(client, key, Consistency.CONSISTENCY_LINEARIZABLE).getFound()).isFalse();
  }

  @Test
  void aDeleteConditionedOnValueRemovesTheKeyWhenTheValueMatches() {
    KvClient client = follower();
    ByteString key = freshKey("delete-if-value");
    put(client, key, "exact");

    DeleteResponse deleted = client.kv().delete(DeleteRequest.newBuilder().setKey(key)
        .setCondition(Condition.newBuilder().setValue(utf8("exact"))).build());

    assertThat(deleted.getDeleted()).isTrue();
    assertThat(get(client, key, Consistency.CONSISTENCY_LINEARIZABLE).getFound()).isFalse();
  }

  // ---- CompareAndSet ----

  @Test
  void compareAndSetOnVersionSucceedsOnlyAgainstTheCurrentVersion() {
    KvClient client = follower();
    ByteString key = freshKey("cas-version");
    PutResponse put = put(client, key, "v1");

    CompareAndSetResponse success = client.kv().compareAndSet(CompareAndSetRequest.newBuilder()
        .setKey(key).setValue(utf8("v2")).setPrevKv(true)
        .setCondition(Condition.newBuilder().setVersion(put.getVersion())).build());
    CompareAndSetResponse failure = client.kv().compareAndSet(CompareAndSetRequest.newBuilder()
        .setKey(key).setValue(utf8("v3"))
        .setCondition(Condition.newBuilder().setVersion(put.getVersion())).build());

    assertThat(success.getSucceeded()).isTrue();
    assertThat(success.getVersion()).isGreaterThan(put.getVersion());
    assertThat(success.getCreateRevision()).isEqualTo(put.getVersion());
    assertThat(success.getKv().getValue().toStringUtf8()).as("prev_kv on success")
        .isEqualTo("v1");
    assertThat(failure.getSucceeded()).isFalse();
    assertThat(failure.getKv().getValue().toStringUtf8()).as("the current kv on failure")
        .isEqualTo("v2");
    assertThat(failure.getKv().getVersion()).isEqualTo(success.getVersion());
    assertThat(client.value(key.toStringUtf8())).contains("v2");
  }

  @Test
  void compareAndSetOnValueSucceedsOnlyAgainstTheCurrentValue() {
    KvClient client = follower();
    ByteString key = freshKey("cas-value");
    put(client, key, "red");

    CompareAndSetResponse failure = client.kv().compareAndSet(CompareAndSetRequest.newBuilder()
        .setKey(key).setValue(utf8("green"))
        .setCondition(Condition.newBuilder().setValue(utf8("blue"))).build());
    CompareAndSetResponse success = client.kv().compareAndSet(CompareAndSetRequest.newBuilder()
        .setKey(key).setValue(utf8("green"))
        .setCondition(Condition.newBuilder().setValue(utf8("red"))).build());

    assertThat(failure.getSucceeded()).isFalse();
    assertThat(failure.getKv().getValue().toStringUtf8()).isEqualTo("red");
    assertThat(success.getSucceeded()).isTrue();
    assertThat(client.value(key.toStringUtf8())).contains("green");
  }

  @Test
  void compareAndSetOnAbsenceCreatesOnceThenFailsWithTheCurrentKeyValue() {
    KvClient client = follower();
    ByteString key = freshKey("cas-absent");
    CompareAndSetRequest create = CompareAndSetRequest.newBuilder().setKey(key)
        .setValue(utf8("first")).setCondition(Condition.newBuilder().setAbsent(true)).build();

    CompareAndSetResponse created = client.kv().compareAndSet(create);
    CompareAndSetResponse again = client.kv().compareAndSet(
        create.toBuilder().setValue(utf8("second")).build());

    assertThat(created.getSucceeded()).isTrue();
    assertThat(created.getVersion()).isPositive();
    assertThat(created.getCreateRevision()).isEqualTo(created.getVersion());
    assertThat(created.hasKv()).as("no previous kv").isFalse();
    assertThat(again.getSucceeded()).isFalse();
    assertThat(again.getKv().getValue().toStringUtf8()).isEqualTo("first");
    assertThat(again.getKv().getVersion()).isEqualTo(created.getVersion());
    assertThat(client.value(key.toStringUtf8())).contains("first");
  }

  @Test
  void compareAndSetOnAMissingKeyFailsWithNoKeyValue() {
    CompareAndSetResponse failure = follower().kv().compareAndSet(CompareAndSetRequest
        .newBuilder().setKey(freshKey("cas-missing")).setValue(utf8("x"))
        .setCondition(Condition.newBuilder().setVersion(1)).build());

    assertThat(failure.getSucceeded()).isFalse();
    assertThat(failure.hasKv()).as("unset when the key does not exist").isFalse();
  }

  // ---- Stats and Cluster ----

  @Test
  void statsReportTheServingNodeAndTheReplicatedCounters() {
    PensieveNode node = cluster.followers().get(0);
    KvClient client = clients.get(node.info().id());
    ByteString key = freshKey("stats");
    PutResponse put = put(client, key, "counted");
    StatsResponse before = client.kv().stats(StatsRequest.getDefaultInstance());

    get(client, key, Consistency.CONSISTENCY_LINEARIZABLE);
    get(client, freshKey("stats-miss"), Consistency.CONSISTENCY_LINEARIZABLE);
    StatsResponse after = client.kv().stats(StatsRequest.getDefaultInstance());

    assertThat(after.getNodeId()).isEqualTo(node.info().id());
    assertThat(after.getHits()).isEqualTo(before.getHits() + 1);
    assertThat(after.getMisses()).isEqualTo(before.getMisses() + 1);
    assertThat(after.getEntries()).isPositive();
    assertThat(after.getBytes()).isPositive();
    assertThat(after.getRevision()).as("the write was applied here before the read")
        .isGreaterThanOrEqualTo(put.getVersion());
    assertThat(after.getAppliedIndex()).isPositive();
    assertThat(after.getSettings().getMaxKeyBytes()).isEqualTo(MAX_KEY_BYTES);
    assertThat(after.getSettings().getMaxValueBytes()).isEqualTo(MAX_VALUE_BYTES);
  }

  @Test
  void everyNodeNamesOneLeaderAndEveryMembersAddresses() {
    for (PensieveNode node : cluster.nodes()) {
      KvClient client = clients.get(node.info().id());
      // each member advertises its addresses through the log after it starts
      ClusterResponse view = await("every member's addresses known to " + node.info().id())
          .atMost(PATIENCE)
          .until(() -> client.kv().cluster(ClusterRequest.getDefaultInstance()),
              response -> response.getMembersList().stream()
                  .allMatch(m -> !m.getRestAddress().isEmpty() && !m.getGrpcAddress().isEmpty()));
      String leaderId = cluster.awaitLeader().info().id();

      assertThat(view.getLeaderId()).isEqualTo(leaderId);
      assertThat(view.getTerm()).isPositive();
      assertThat(view.getMembersList()).hasSize(3);
      assertThat(view.getMembersList()).filteredOn(m -> m.getRole() == Role.ROLE_LEADER)
          .extracting(Member::getId).containsExactly(leaderId);
      assertThat(view.getMembersList()).filteredOn(m -> m.getRole() == Role.ROLE_FOLLOWER)
          .hasSize(2);
      for (PensieveNode member : cluster.nodes()) {
        Member listed = view.getMembersList().stream()
            .filter(m -> m.getId().equals(member.info().id())).findFirst().orElseThrow();
        assertThat(listed.getGrpcAddress()).isEqualTo("127.0.0.1:" + member.grpcPort());
        assertThat(listed.getRestAddress()).isEqualTo("127.0.0.1:" + member.restPort());
        assertThat(listed.getRaftAddress()).isEqualTo("127.0.0.1:" + member.raftPort());
      }
    }
  }

  // ---- TTL ----

  @Test
  void aKeyWithATtlIsReadableUntilItExpiresThenFoundFalse() {
    KvClient client = follower();
    ByteString key = freshKey("ttl");
    long ttlMillis = 3000;
    long beforeMillis = System.currentTimeMillis();

    client.kv().put(PutRequest.newBuilder().setKey(key).setValue(utf8("brief"))
        .setTtlMillis(ttlMillis).build());
    GetResponse fresh = get(client, key, Consistency.CONSISTENCY_LINEARIZABLE);
    long afterMillis = System.currentTimeMillis();

    assertThat(fresh.getFound()).isTrue();
    // stamped by the leader's clock, which is this JVM's clock here
    assertThat(fresh.getKv().getExpireAtMillis())
        .isBetween(beforeMillis + ttlMillis, afterMillis + ttlMillis);
    await("the key expires").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
        .until(() -> !get(client, key, Consistency.CONSISTENCY_LINEARIZABLE).getFound());
    assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(beforeMillis + ttlMillis);
  }

  @Test
  void aTtlOfZeroMeansNeverExpires() {
    KvClient client = follower();
    ByteString key = freshKey("ttl-zero");

    client.kv().put(PutRequest.newBuilder().setKey(key).setValue(utf8("forever"))
        .setTtlMillis(0).build());

    assertThat(get(client, key, Consistency.CONSISTENCY_LINEARIZABLE).getKv().getExpireAtMillis())
        .isZero();
  }

  // ---- errors ----

  @Test
  void anEmptyKeyIsInvalidArgumentWithTheErrorCodeTrailer() {
    KvClient client = follower();

    assertError(() -> client.kv().put(PutRequest.newBuilder().setKey(ByteString.EMPTY)
        .setValue(utf8("v")).build()), Status.Code.INVALID_ARGUMENT, "invalid_argument");
    assertError(() -> client.kv().get(GetRequest.newBuilder().setKey(ByteString.EMPTY).build()),
        Status.Code.INVALID_ARGUMENT, "invalid_argument");
    assertError(() -> client.kv().delete(DeleteRequest.newBuilder().setKey(ByteString.EMPTY)
        .build()), Status.Code.INVALID_ARGUMENT, "invalid_argument");
  }

  @Test
  void aValueOverTheLimitIsResourceExhaustedAndNothingIsWritten() {
    KvClient client = follower();
    ByteString key = freshKey("too-large");
    ByteString value = ByteString.copyFrom(new byte[MAX_VALUE_BYTES + 1]);

    assertError(() -> client.kv().put(PutRequest.newBuilder().setKey(key).setValue(value)
        .build()), Status.Code.RESOURCE_EXHAUSTED, "value_too_large");
    assertError(() -> client.kv().compareAndSet(CompareAndSetRequest.newBuilder().setKey(key)
            .setValue(value).setCondition(Condition.newBuilder().setAbsent(true)).build()),
        Status.Code.RESOURCE_EXHAUSTED, "value_too_large");
    assertThat(get(client, key, Consistency.CONSISTENCY_LINEARIZABLE).getFound()).isFalse();
  }

  @Test
  void aValueAtTheLimitIsAccepted() {
    KvClient client = follower();
    ByteString key = freshKey("at-limit");
    ByteString value = ByteString.copyFrom(new byte[MAX_VALUE_BYTES]);

    client.kv().put(PutRequest.newBuilder().setKey(key).setValue(value).build());

    assertThat(get(client, key, Consistency.CONSISTENCY_LINEARIZABLE).getKv().getValue())
        .isEqualTo(value);
  }

  @Test
  void aKeyOverTheLimitIsResourceExhausted() {
    ByteString key = utf8("k".repeat(MAX_KEY_BYTES + 1));

    assertError(() -> follower().kv().put(PutRequest.newBuilder().setKey(key)
        .setValue(utf8("v")).build()), Status.Code.RESOURCE_EXHAUSTED, "key_too_large");
  }

  @Test
  void malformedRequestsAreInvalidArgument() {
    KvClient client = follower();

    assertError(() -> client.kv().compareAndSet(CompareAndSetRequest.newBuilder()
            .setKey(freshKey("no-condition")).setValue(utf8("v")).build()),
        Status.Code.INVALID_ARGUMENT, "invalid_argument");
    assertError(() -> client.kv().put(PutRequest.newBuilder().setKey(freshKey("negative-ttl"))
        .setValue(utf8("v")).setTtlMillis(-1).build()), Status.Code.INVALID_ARGUMENT,
        "invalid_argument");
  }

  private static void assertError(Runnable call, Status.Code code, String errorCode) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isNotBlank();
      assertThat(ErrorTrailer.code(e)).hasValue(errorCode);
    });
  }

  // ---- health and reflection ----

  @Test
  void theHealthServiceAnswersServingForTheKvService() {
    for (KvClient client : clients.values()) {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(client.channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS);

      assertThat(health.check(HealthCheckRequest.newBuilder().setService(KVGrpc.SERVICE_NAME)
          .build()).getStatus()).isEqualTo(ServingStatus.SERVING);
      assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .as("the server as a whole").isEqualTo(ServingStatus.SERVING);
      assertThatThrownBy(() -> health.check(HealthCheckRequest.newBuilder()
          .setService("no.such.Service").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
  }

  @Test
  void theReflectionServiceListsTheKvServiceAndDescribesIt() throws Exception {
    KvClient client = follower();

    List<ServerReflectionResponse> listing = reflect(client, ServerReflectionRequest.newBuilder()
        .setListServices("*").build());
    List<ServerReflectionResponse> described = reflect(client, ServerReflectionRequest
        .newBuilder().setFileContainingSymbol(KVGrpc.SERVICE_NAME).build());

    assertThat(listing).hasSize(1);
    assertThat(listing.get(0).getListServicesResponse().getServiceList())
        .extracting(ServiceResponse::getName)
        .contains(KVGrpc.SERVICE_NAME, "grpc.health.v1.Health");
    assertThat(described).hasSize(1);
    List<FileDescriptorProto> files = new ArrayList<>();
    for (ByteString bytes : described.get(0).getFileDescriptorResponse()
        .getFileDescriptorProtoList()) {
      files.add(FileDescriptorProto.parseFrom(bytes));
    }
    FileDescriptorProto kvProto = files.stream()
        .filter(f -> f.getServiceList().stream().anyMatch(s -> s.getName().equals("KV")))
        .findFirst().orElseThrow();
    assertThat(kvProto.getPackage()).isEqualTo("pensieve.v1");
    assertThat(kvProto.getServiceList().stream().filter(s -> s.getName().equals("KV"))
        .findFirst().orElseThrow().getMethodList())
        .extracting(m -> m.getName())
        .contains("Put", "Get", "Delete", "CompareAndSet", "Stats", "Cluster");
  }

  /** One request on the bidirectional reflection stream; returns every response to it. */
  private static List<ServerReflectionResponse> reflect(KvClient client,
      ServerReflectionRequest request) throws Exception {
    CompletableFuture<List<ServerReflectionResponse>> done = new CompletableFuture<>();
    List<ServerReflectionResponse> responses = new ArrayList<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc
        .newStub(client.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {
            synchronized (responses) {
              responses.add(response);
            }
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            synchronized (responses) {
              done.complete(List.copyOf(responses));
            }
          }
        });
    requests.onNext(request);
    requests.onCompleted();
    return done.get(15, TimeUnit.SECONDS);
  }

  // ---- concurrency ----

  /**
   * Reads in flight together are served in successive ReadIndex rounds, each started when the
   * previous one completes. While writes advance the commit index, the leader completes a round
   * from inside a Ratis lock; a next round started right there once deadlocked the leader.
   */
  @Test
  void concurrentLinearizableReadsWhileWritesCommitAreAllAnswered() {
    Map<String, String> written = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      written.put(freshKey("concurrent").toStringUtf8(), "v" + i);
    }
    KvClient leader = leader();
    leader.putAll(written);
    List<String> keys = new ArrayList<>(written.keySet());
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
      while (!stop.get()) {
        put(leader, freshKey("concurrent-write"), "w");
      }
    });

    try {
      for (Map.Entry<String, KvClient> node : clients.entrySet()) {
        for (int round = 0; round < 20; round++) {
          Map<String, Optional<String>> read = node.getValue().values(keys);
          written.forEach((key, value) -> assertThat(read.get(key))
              .as("%s read on %s", key, node.getKey()).contains(value));
        }
      }
    } finally {
      stop.set(true);
    }
    writes.join();
  }

  // ---- across nodes ----

  @Test
  void aWriteThroughAnyNodesGrpcIsReadLinearizablyThroughEveryOther() {
    for (PensieveNode writer : cluster.nodes()) {
      ByteString key = freshKey("across-from-" + writer.info().id());
      PutResponse put = put(clients.get(writer.info().id()), key, "from " + writer.info().id());

      for (PensieveNode reader : cluster.nodes()) {
        if (reader == writer) {
          continue;
        }
        GetResponse read = get(clients.get(reader.info().id()), key,
            Consistency.CONSISTENCY_LINEARIZABLE);
        assertThat(read.getFound()).as("%s reads %s's write", reader.info().id(),
            writer.info().id()).isTrue();
        assertThat(read.getKv().getValue().toStringUtf8()).isEqualTo("from " + writer.info().id());
        assertThat(read.getKv().getVersion()).isEqualTo(put.getVersion());
      }
    }
  }
}
