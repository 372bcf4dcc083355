package io.pensieve.server.grpc;

import static io.pensieve.server.grpc.KvClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.client.LeaseKeepAlive;
import io.pensieve.client.PensieveClient;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.faults.Replicas;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leases on a real 3-node cluster: kept alive across leader kills, left to expire, revoked,
 * and refused on bad input, over gRPC and REST.
 */
class LeaseIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  /** The shortest TTL a lease may have, so that the tests wait least. */
  private static final long TTL_SECONDS = 5;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3,
      builder -> builder.cleanupInterval(Duration.ofMillis(200)));

  private static LeaseGrpc.LeaseBlockingStub leases(KvClient client) {
    return LeaseGrpc.newBlockingStub(client.channel())
        .withDeadlineAfter(KvClient.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static long grant(KvClient client) {
    return leases(client).grant(LeaseGrantRequest.newBuilder().setTtlSeconds(TTL_SECONDS)
        .build()).getId();
  }

  private static void putWithLease(KvClient client, String key, long lease) {
    client.kv().put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8("v of " + key))
        .setLease(lease).build());
  }

  private static PensieveClient clusterClient() {
    return PensieveClient.builder().endpoints(cluster.nodes().stream()
        .map(node -> "127.0.0.1:" + node.grpcPort()).toList()).build();
  }

  @Test
  void aLeaseKeptAliveAcrossTwoLeaderKillsIsNeverRevoked() throws Exception {
    try (PensieveClient client = clusterClient()) {
      long id = client.grantLease(Duration.ofSeconds(TTL_SECONDS)).getId();
      client.put(PutRequest.newBuilder().setKey(utf8("held/a")).setValue(utf8("v"))
          .setLease(id).build());
      long grantedNanos = System.nanoTime();
      try (LeaseKeepAlive keeper = client.keepAlive(id)) {
        // the leader stops and another is elected; it comes back as a follower; twice
        String first = cluster.awaitLeader().info().id();
        cluster.stop(first);
        String second = cluster.awaitLeader().info().id();
        assertThat(second).isNotEqualTo(first);
        cluster.restart(first);
        cluster.stop(second);
        assertThat(cluster.awaitLeader().info().id()).isNotEqualTo(second);
        cluster.restart(second);
        long restartedNanos = System.nanoTime();

        // for more than two TTLs since the grant, and a TTL since the last restart (renewals
        // go on afterwards), the key and the lease are there throughout: a revoked lease's
        // key never comes back, so any revocation in between shows too
        Duration sinceGrant = Duration.ofSeconds(2 * TTL_SECONDS + 1)
            .minusNanos(System.nanoTime() - grantedNanos);
        Duration sinceRestart = Duration.ofSeconds(TTL_SECONDS + 1)
            .minusNanos(System.nanoTime() - restartedNanos);
        Duration left = sinceGrant.compareTo(sinceRestart) > 0 ? sinceGrant : sinceRestart;
        await("the lease held").during(left).atMost(left.plus(PATIENCE))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> keeper.lost().isEmpty() && client.get("held/a").isPresent());
        assertThat(keeper.lost()).isEmpty();
        assertThat(keeper.lastRenewal()).hasValueSatisfying(renewal ->
            assertThat(renewal.getTtlSeconds()).isEqualTo(TTL_SECONDS));
        assertThat(client.get("held/a")).hasValueSatisfying(kv ->
            assertThat(kv.getLease()).isEqualTo(id));
        assertThat(client.leaseTimeToLive(id, true).getKeysList()).containsExactly(
            utf8("held/a"));
      }
      client.revokeLease(id);
    }
  }

  @Test
  void aLeaseLeftToExpireDeletesItsKeysOnEveryReplicaAtOneRevision() {
    try (KvClient leader = KvClient.connect(cluster.awaitLeader());
        KvClient follower = KvClient.connect(cluster.follower())) {
      long id = grant(follower);
      putWithLease(follower, "expiring/a", id);
      putWithLease(follower, "expiring/b", id);
      long lastWrite = leader.put("expiring-witness", "v").getVersion();

      await("the lease's keys are gone").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
          .until(() -> follower.value("expiring/a").isEmpty()
              && follower.value("expiring/b").isEmpty());

      // both deleted at one revision: the next write takes the one after it
      assertThat(leader.put("expiring-next", "v").getVersion()).isEqualTo(lastWrite + 2);
      assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> leases(follower)
          .timeToLive(LeaseTimeToLiveRequest.newBuilder().setId(id).build()))
          .getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(follower.value("expiring-witness")).hasValue("v");
      Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    }
  }

  @Test
  void aRevokeDeletesTheKeysAtOnceAndTheirGetsShowedTheLease() {
    try (KvClient client = KvClient.connect(cluster.follower())) {
      long id = grant(client);
      putWithLease(client, "revoked/a", id);
      putWithLease(client, "revoked/b", id);
      client.put("revoked/c", "not leased");
      KeyValue leased = client.get("revoked/a", Consistency.CONSISTENCY_LINEARIZABLE).getKv();
      assertThat(leased.getLease()).isEqualTo(id);
      assertThat(client.kv().range(RangeRequest.newBuilder().setKey(utf8("revoked/"))
          .setRangeEnd(utf8("revoked0")).build()).getKvsList())
          .extracting(KeyValue::getLease).containsExactly(id, id, 0L);
      JsonNode overRest = new RestClient().get(cluster.follower(), "/v1/kv/revoked/b").json();
      assertThat(overRest.path("lease").isTextual()).isTrue();
      assertThat(overRest.path("lease").asText()).isEqualTo(Long.toString(id));

      var revoked = leases(client).revoke(LeaseRevokeRequest.newBuilder().setId(id).build());

      assertThat(revoked.getDeleted()).isEqualTo(2);
      assertThat(client.value("revoked/a")).isEmpty();
      assertThat(client.value("revoked/b")).isEmpty();
      assertThat(client.value("revoked/c")).hasValue("not leased");
      Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    }
  }

  @Test
  void theKeepAliveStreamAnswersEachRenewalInOrderAndEndsOnAGoneLease() throws Exception {
    try (KvClient client = KvClient.connect(cluster.follower())) {
      long id = grant(client);
      List<LeaseKeepAliveResponse> answers = new CopyOnWriteArrayList<>();
      List<Throwable> ended = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(client.channel())
          .keepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse answer) {
              answers.add(answer);
            }

            @Override
            public void onError(Throwable t) {
              ended.add(t);
              done.countDown();
            }

            @Override
            public void onCompleted() {
              done.countDown();
            }
          });

      requests.onNext(LeaseKeepAliveRequest.newBuilder().setId(id).build());
      requests.onNext(LeaseKeepAliveRequest.newBuilder().setId(id).build());
      await().atMost(PATIENCE).until(() -> answers.size() == 2);
      assertThat(answers).allSatisfy(answer -> {
        assertThat(answer.getId()).isEqualTo(id);
        assertThat(answer.getTtlSeconds()).isEqualTo(TTL_SECONDS);
      });
      assertThat(answers.get(1).getExpireAtMillis())
          .isGreaterThanOrEqualTo(answers.get(0).getExpireAtMillis());

      leases(client).revoke(LeaseRevokeRequest.newBuilder().setId(id).build());
      requests.onNext(LeaseKeepAliveRequest.newBuilder().setId(id).build());

      assertThat(done.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      assertThat(ended).singleElement().satisfies(t ->
          assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
  }

  @Test
  void badLeaseRequestsAreRefusedOverGrpcAndRestAndChangeNothing() {
    try (KvClient client = KvClient.connect(cluster.awaitLeader())) {
      long revoked = grant(client);
      leases(client).revoke(LeaseRevokeRequest.newBuilder().setId(revoked).build());
      StatsResponse before = client.kv().stats(StatsRequest.getDefaultInstance());

      refused(Status.Code.NOT_FOUND, "not_found", "lease 424242 not found",
          () -> putWithLease(client, "bad/k", 424242));
      refused(Status.Code.NOT_FOUND, "not_found", "not found", () -> leases(client)
          .keepAliveOnce(LeaseKeepAliveRequest.newBuilder().setId(424242).build()));
      refused(Status.Code.NOT_FOUND, "not_found", "lease " + revoked + " not found",
          () -> leases(client).keepAliveOnce(
              LeaseKeepAliveRequest.newBuilder().setId(revoked).build()));
      refused(Status.Code.NOT_FOUND, "not_found", "not found", () -> leases(client)
          .revoke(LeaseRevokeRequest.newBuilder().setId(424242).build()));
      refused(Status.Code.NOT_FOUND, "not_found", "not found", () -> leases(client)
          .timeToLive(LeaseTimeToLiveRequest.newBuilder().setId(424242).build()));
      refused(Status.Code.INVALID_ARGUMENT, "invalid_argument", "ttl_seconds must be between",
          () -> leases(client).grant(LeaseGrantRequest.newBuilder().setTtlSeconds(4).build()));
      refused(Status.Code.INVALID_ARGUMENT, "invalid_argument", "ttl_seconds must be between",
          () -> leases(client).grant(LeaseGrantRequest.newBuilder()
              .setTtlSeconds(Long.MAX_VALUE).build()));

      RestClient rest = new RestClient();
      PensieveNode node = cluster.follower();
      restRefused(rest.put(node, "/v1/kv/bad/k?lease=424242", "{\"value\":\"v\"}"), 404,
          "not_found");
      restRefused(rest.put(node, "/v1/kv/bad/k", "{\"value\":\"v\",\"lease\":\"424242\"}"),
          404, "not_found");
      restRefused(rest.put(node, "/v1/kv/bad/k?lease=x1", "{\"value\":\"v\"}"), 400,
          "invalid_argument");
      restRefused(rest.post(node, "/v1/lease/424242/keepalive", ""), 404, "not_found");
      restRefused(rest.post(node, "/v1/lease/" + revoked + "/keepalive", ""), 404,
          "not_found");
      restRefused(rest.delete(node, "/v1/lease/424242"), 404, "not_found");
      restRefused(rest.get(node, "/v1/lease/424242"), 404, "not_found");
      restRefused(rest.get(node, "/v1/lease/-3"), 400, "invalid_argument");
      restRefused(rest.post(node, "/v1/lease", "{\"ttl_seconds\":4}"), 400, "invalid_argument");
      restRefused(rest.post(node, "/v1/lease", "{\"ttl_seconds\":9999999999999}"), 400,
          "invalid_argument");
      restRefused(rest.post(node, "/v1/lease", "{}"), 400, "invalid_argument");

      StatsResponse after = client.kv().stats(StatsRequest.getDefaultInstance());
      assertThat(after.getRevision()).isEqualTo(before.getRevision());
      assertThat(after.getEntries()).isEqualTo(before.getEntries());
      assertThat(client.get("bad/k", Consistency.CONSISTENCY_LINEARIZABLE).getFound()).isFalse();
    }
  }

  @Test
  void overRestALeaseIsGrantedAttachedListedRenewedAndRevoked() {
    RestClient rest = new RestClient();
    PensieveNode node = cluster.follower();

    JsonNode granted = rest.post(node, "/v1/lease", "{\"ttl_seconds\":30}").json();
    String id = granted.path("id").asText();
    assertThat(granted.path("id").isTextual()).isTrue();
    assertThat(granted.path("ttl_seconds").asLong()).isEqualTo(30);
    assertThat(rest.put(node, "/v1/kv/web-lease/a?lease=" + id, "{\"value\":\"1\"}").status())
        .isEqualTo(200);

    JsonNode ttl = rest.get(node, "/v1/lease/" + id + "?keys=true").json();
    assertThat(ttl.path("granted_ttl_seconds").asLong()).isEqualTo(30);
    assertThat(ttl.path("keys").get(0).asText()).isEqualTo("web-lease/a");
    JsonNode renewed = rest.post(node, "/v1/lease/" + id + "/keepalive", "").json();
    assertThat(renewed.path("expire_at_millis").asLong())
        .isGreaterThanOrEqualTo(granted.path("expire_at_millis").asLong());
    assertThat(rest.get(node, "/v1/lease").json().path("leases").findValuesAsText("id"))
        .contains(id);

    JsonNode revoked = rest.delete(node, "/v1/lease/" + id).json();
    assertThat(revoked.path("deleted").asLong()).isEqualTo(1);
    assertThat(rest.get(node, "/v1/kv/web-lease/a").status()).isEqualTo(404);
  }

  private static void refused(Status.Code code, String errorCode, String message,
      Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as(message).isNotNull();
    assertThat(e.getStatus().getCode()).as(message).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).contains(message);
    assertThat(ErrorTrailer.code(e)).hasValue(errorCode);
  }

  private static void restRefused(RestClient.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.json().path("error").path("code").asText()).as(reply.text())
        .isEqualTo(code);
    assertThat(reply.json().path("error").path("message").asText()).isNotEmpty();
  }
}
