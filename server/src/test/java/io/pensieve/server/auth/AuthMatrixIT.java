package io.pensieve.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import at.favre.lib.crypto.bcrypt.BCrypt;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DigestRequest;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetSettingsRequest;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrpc;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseListRequest;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RemoveMemberRequest;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatusRequest;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.UpdateSettingsRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.RestClient.Reply;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Authentication and roles on a real three-node cluster with HS256 tokens and a users file: a
 * table of every route and call against every kind of credential, on REST, on gRPC KV and on
 * the Admin service of a follower (so that calls forwarded to the leader are covered).
 */
class AuthMatrixIT {
  private static final byte[] SECRET =
      "matrix-test-secret-0123456789-abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII);
  private static final Path DIR = writeAuthFiles();

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> builder.auth(
      AuthSettings.hs256(DIR.resolve("secret"), Optional.of(DIR.resolve("users")),
          Duration.ofMinutes(10))));

  private static final RestClient rest = new RestClient();
  private static PensieveNode follower;
  private static KvClient viaFollower;

  /** What a request presents, from nothing to a token with every role. */
  enum Credential {
    NONE(null),
    NOT_BEARER("Basic YWxpY2U6cGFzc3dvcmQ="),
    MALFORMED("Bearer not-a-jwt"),
    EXPIRED(bearer(Tokens.hs256(SECRET,
        Tokens.claims("alice", Duration.ofMinutes(-5), "admin").build()))),
    WRONG_SIGNATURE(bearer(Tokens.hs256("some-other-secret-of-enough-bytes-here!"
        .getBytes(StandardCharsets.US_ASCII), admin()))),
    ALG_NONE(bearer(Tokens.unsigned(admin()))),
    WRONG_ALGORITHM(bearer(Tokens.rs256((RSAPrivateKey) Tokens.rsaKeyPair(2048).getPrivate(),
        admin()))),
    READ(bearer(Tokens.hs256(SECRET, Tokens.claims("reader", Duration.ofMinutes(5), "read")
        .build()))),
    WRITE(bearer(Tokens.hs256(SECRET, Tokens.claims("writer", Duration.ofMinutes(5), "write")
        .build()))),
    ADMIN(bearer(Tokens.hs256(SECRET, admin())));

    final String header;

    Credential(String header) {
      this.header = header;
    }

    boolean valid() {
      return this == READ || this == WRITE || this == ADMIN;
    }

    /** The status this credential gets on a route that needs {@code access}: 0 = served. */
    int expectedRestStatus(Access access) {
      if (!valid()) {
        return 401;
      }
      if (access.role().isEmpty() || this == ADMIN || access.role().get().name().equals(name())) {
        return 0;
      }
      return 403;
    }

    Status.Code expectedGrpcStatus(Access access, Status.Code served) {
      return switch (expectedRestStatus(access)) {
        case 401 -> Status.Code.UNAUTHENTICATED;
        case 403 -> Status.Code.PERMISSION_DENIED;
        default -> served;
      };
    }
  }

  private static com.nimbusds.jwt.JWTClaimsSet admin() {
    return Tokens.claims("root", Duration.ofMinutes(5), "admin").build();
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  @BeforeAll
  static void seed() {
    follower = cluster.follower();
    viaFollower = KvClient.connect(follower);
    assertThat(send(follower, "PUT", "/v1/kv/matrix", "{\"value\":\"v\"}", Credential.ADMIN)
        .status()).isEqualTo(200);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    viaFollower.close();
    try (Stream<Path> files = Files.walk(DIR)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  // ---- REST ----

  /** A REST route, what it needs, and its status when served. */
  record Route(String method, String path, String body, Access access, int servedStatus) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static final List<Route> ROUTES = List.of(
      new Route("GET", "/v1/kv/matrix", null, Access.READ, 200),
      new Route("PUT", "/v1/kv/matrix", "{\"value\":\"v\"}", Access.WRITE, 200),
      new Route("DELETE", "/v1/kv/matrix-absent", null, Access.WRITE, 404),
      new Route("DELETE", "/v1/kv?prefix=matrix-absent/", null, Access.WRITE, 200),
      // a transaction needs read for its compares and reads, write for its writes
      new Route("POST", "/v1/txn", "{\"compares\":[{\"key\":\"matrix\",\"op\":\"=\","
          + "\"exists\":true}],\"success\":[{\"get\":{\"key\":\"matrix\"}}]}",
          Access.READ, 200),
      new Route("POST", "/v1/txn", "{\"failure\":[{\"put\":{\"key\":\"matrix\","
          + "\"value\":\"v\"}}]}", Access.WRITE, 200),
      // lease routes all write; an unknown lease and a TTL too short show the call got through
      new Route("GET", "/v1/lease", null, Access.WRITE, 200),
      new Route("POST", "/v1/lease", "{\"ttl_seconds\":4}", Access.WRITE, 400),
      new Route("GET", "/v1/lease/424242", null, Access.WRITE, 404),
      new Route("DELETE", "/v1/lease/424242", null, Access.WRITE, 404),
      new Route("POST", "/v1/lease/424242/keepalive", "", Access.WRITE, 404),
      new Route("GET", "/v1/cluster", null, Access.READ, 200),
      new Route("GET", "/v1/stats", null, Access.READ, 200),
      new Route("GET", "/get/matrix", null, Access.READ, 200),
      new Route("GET", "/get?key=matrix", null, Access.READ, 200),
      new Route("GET", "/stats", null, Access.READ, 200),
      new Route("POST", "/put", "{\"key\":\"matrix\",\"val\":\"v\"}", Access.WRITE, 200),
      new Route("PUT", "/set", "{\"key\":\"matrix\",\"value\":\"v\"}", Access.WRITE, 200),
      new Route("DELETE", "/delete/matrix-absent", null, Access.WRITE, 200),
      new Route("DELETE", "/del/matrix-absent", null, Access.WRITE, 404),
      new Route("POST", "/set-value", "{\"key\":\"matrix\",\"value\":\"v\"}", Access.WRITE, 200),
      new Route("POST", "/get-value", "{\"key\":\"matrix\"}", Access.READ, 200),
      new Route("POST", "/delete-value", "{\"key\":\"matrix-absent\"}", Access.WRITE, 200),
      new Route("GET", "/no-such-route", null, Access.AUTHENTICATED, 404));

  static Stream<Arguments> restMatrix() {
    List<Arguments> cases = new ArrayList<>();
    for (Route route : ROUTES) {
      for (Credential credential : Credential.values()) {
        cases.add(Arguments.of(route, credential));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("restMatrix")
  void restRoutesNeedTheirRole(Route route, Credential credential) {
    Reply reply = send(follower, route.method(), route.path(), route.body(), credential);

    int expected = credential.expectedRestStatus(route.access());
    if (expected == 0) {
      assertThat(reply.status()).as(reply.text()).isEqualTo(route.servedStatus());
      return;
    }
    assertThat(reply.status()).as(reply.text()).isEqualTo(expected);
    JsonNode error = reply.json().path("error");
    if (expected == 401) {
      assertThat(error.path("code").asText()).isEqualTo("unauthenticated");
      assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          value -> assertThat(value).startsWith("Bearer"));
    } else {
      assertThat(error.path("code").asText()).isEqualTo("permission_denied");
      assertThat(error.path("message").asText()).contains("lacks the");
    }
  }

  @Test
  void openRoutesNeedNoToken() {
    PensieveNode node = cluster.follower();

    assertThat(rest.get(node, "/health").status()).isEqualTo(200);
    // readiness is looked at every 200 ms: a cluster just started may not be ready yet
    await().atMost(Duration.ofSeconds(10))
        .until(() -> rest.get(node, "/ready").status() == 200);
    assertThat(rest.get(node, "/v1/node").json().path("id").asText()).isEqualTo(node.info().id());
    assertThat(rest.get(node, "/metrics").status()).isNotIn(401, 403);
  }

  // ---- login ----

  @Test
  void theRightPasswordGetsATokenThatWorks() {
    Reply login = rest.post(follower, "/login",
        "{\"username\":\"alice\",\"password\":\"alice-password\"}");

    assertThat(login.status()).as(login.text()).isEqualTo(200);
    assertThat(login.json().path("token_type").asText()).isEqualTo("Bearer");
    assertThat(Instant.parse(login.json().path("expires_at").asText()))
        .isBetween(Instant.now().plus(Duration.ofMinutes(9)), Instant.now()
            .plus(Duration.ofMinutes(11)));
    String token = login.json().path("token").asText();
    Reply put = rest.send(request(follower, "PUT", "/v1/kv/logged-in", "{\"value\":\"yes\"}",
        "Bearer " + token));
    Reply get = rest.send(request(follower, "GET", "/v1/kv/logged-in", null, "Bearer " + token));
    Reply cluster = rest.send(request(follower, "GET", "/v1/cluster", null, "Bearer " + token));

    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(get.json().path("value").asText()).isEqualTo("yes");
    // alice has read and write, not admin
    try (KvClient client = KvClient.connect(follower)) {
      assertThat(cluster.status()).isEqualTo(200);
      assertThatThrownBy(() -> withAuth(client.admin(), "Bearer " + token)
          .digest(DigestRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
              e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }
  }

  @Test
  void theKvStoreSeedsEmailIsAUserName() {
    Reply login = rest.post(follower, "/login",
        "{\"email\":\"ops@example.com\",\"password\":\"ops-password\"}");

    assertThat(login.status()).as(login.text()).isEqualTo(200);
    Reply set = rest.send(request(follower, "POST", "/set-value",
        "{\"key\":\"seed\",\"value\":\"x\"}", "Bearer " + login.json().path("token").asText()));
    assertThat(set.json().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSame401() {
    Reply wrongPassword = rest.post(follower, "/login",
        "{\"username\":\"alice\",\"password\":\"guess\"}");
    Reply unknownUser = rest.post(follower, "/login",
        "{\"username\":\"mallory\",\"password\":\"alice-password\"}");

    for (Reply reply : List.of(wrongPassword, unknownUser)) {
      assertThat(reply.status()).isEqualTo(401);
      assertThat(reply.json().path("error").path("code").asText()).isEqualTo("unauthenticated");
      assertThat(reply.json().path("error").path("message").asText())
          .isEqualTo("wrong user name or password");
      assertThat(reply.headers().firstValue("WWW-Authenticate")).isPresent();
    }
    assertThat(wrongPassword.body()).isEqualTo(unknownUser.body());
  }

  @Test
  void aLoginWithoutAPasswordOrByGetIsRefused() {
    assertThat(rest.post(follower, "/login", "{\"username\":\"alice\"}").status())
        .isEqualTo(400);
    assertThat(rest.post(follower, "/login", "{\"password\":\"x\"}").status()).isEqualTo(400);
    assertThat(rest.get(follower, "/login").status()).isEqualTo(405);
  }

  // ---- gRPC KV ----

  /** A call, what it needs, and its status when served. */
  record Call<S extends AbstractStub<S>>(String name, Access access, Status.Code served,
      Function<KvClient, S> stub, Function<S, Object> rpc) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Call<?>> CALLS = List.of(
      kv("KV.Get", Access.READ, Status.Code.OK,
          s -> s.get(GetRequest.newBuilder().setKey(KvClient.utf8("matrix")).build())),
      kv("KV.Range", Access.READ, Status.Code.OK,
          s -> s.range(RangeRequest.newBuilder().setKey(KvClient.utf8("matrix")).build())),
      kv("KV.Stats", Access.READ, Status.Code.OK, s -> s.stats(StatsRequest.getDefaultInstance())),
      kv("KV.Cluster", Access.READ, Status.Code.OK,
          s -> s.cluster(ClusterRequest.getDefaultInstance())),
      kv("KV.Put", Access.WRITE, Status.Code.OK, s -> s.put(PutRequest.newBuilder()
          .setKey(KvClient.utf8("matrix")).setValue(KvClient.utf8("v")).build())),
      kv("KV.Delete", Access.WRITE, Status.Code.OK, s -> s.delete(DeleteRequest.newBuilder()
          .setKey(KvClient.utf8("matrix-absent")).build())),
      kv("KV.DeleteRange", Access.WRITE, Status.Code.OK, s -> s.deleteRange(
          DeleteRangeRequest.newBuilder().setKey(KvClient.utf8("matrix-absent/"))
              .setRangeEnd(KvClient.utf8("matrix-absent0")).build())),
      kv("KV.Txn (reads)", Access.READ, Status.Code.OK, s -> s.txn(TxnRequest.newBuilder()
          .addSuccess(TxnOp.newBuilder().setGet(GetRequest.newBuilder()
              .setKey(KvClient.utf8("matrix"))))
          .addSuccess(TxnOp.newBuilder().setRange(RangeRequest.newBuilder()
              .setKey(KvClient.utf8("matrix")))).build())),
      kv("KV.Txn (writes)", Access.WRITE, Status.Code.OK, s -> s.txn(TxnRequest.newBuilder()
          .addFailure(TxnOp.newBuilder().setDelete(DeleteRequest.newBuilder()
              .setKey(KvClient.utf8("matrix-absent")))).build())),
      kv("KV.CompareAndSet", Access.WRITE, Status.Code.OK, s -> s.compareAndSet(
          CompareAndSetRequest.newBuilder().setKey(KvClient.utf8("matrix"))
              .setValue(KvClient.utf8("v")).setCondition(Condition.newBuilder().setAbsent(true))
              .build())),
      lease("Lease.Grant", Status.Code.INVALID_ARGUMENT,
          s -> s.grant(LeaseGrantRequest.newBuilder().setTtlSeconds(4).build())),
      lease("Lease.Revoke", Status.Code.NOT_FOUND,
          s -> s.revoke(LeaseRevokeRequest.newBuilder().setId(424242).build())),
      lease("Lease.KeepAliveOnce", Status.Code.NOT_FOUND,
          s -> s.keepAliveOnce(LeaseKeepAliveRequest.newBuilder().setId(424242).build())),
      lease("Lease.TimeToLive", Status.Code.NOT_FOUND,
          s -> s.timeToLive(LeaseTimeToLiveRequest.newBuilder().setId(424242).build())),
      lease("Lease.List", Status.Code.OK, s -> s.list(LeaseListRequest.getDefaultInstance())),
      admin("Admin.ListMembers", Access.READ, Status.Code.OK,
          s -> s.listMembers(ClusterRequest.getDefaultInstance())),
      admin("Admin.Status", Access.READ, Status.Code.OK,
          s -> s.status(StatusRequest.getDefaultInstance())),
      admin("Admin.GetSettings", Access.READ, Status.Code.OK,
          s -> s.getSettings(GetSettingsRequest.getDefaultInstance())),
      admin("Admin.Digest", Access.ADMIN, Status.Code.OK,
          s -> s.digest(DigestRequest.getDefaultInstance())),
      admin("Admin.UpdateSettings", Access.ADMIN, Status.Code.OK,
          s -> s.updateSettings(UpdateSettingsRequest.newBuilder().setChanges(
              ConfigureCommand.newBuilder().setMaxEntries(0)).build())),
      // membership changes are forwarded by the follower: the leader answers these
      admin("Admin.AddMember (forwarded)", Access.ADMIN, Status.Code.ALREADY_EXISTS,
          s -> s.addMember(AddMemberRequest.newBuilder().setId("n1")
              .setRaftAddress("127.0.0.1:1").build())),
      admin("Admin.RemoveMember (forwarded)", Access.ADMIN, Status.Code.NOT_FOUND,
          s -> s.removeMember(RemoveMemberRequest.newBuilder().setId("n9").build())));

  private static Call<KVGrpc.KVBlockingStub> kv(String name, Access access, Status.Code served,
      Function<KVGrpc.KVBlockingStub, Object> rpc) {
    return new Call<>(name, access, served, KvClient::kv, rpc);
  }

  /** Every lease call needs write, its reads included. */
  private static Call<LeaseGrpc.LeaseBlockingStub> lease(String name, Status.Code served,
      Function<LeaseGrpc.LeaseBlockingStub, Object> rpc) {
    return new Call<>(name, Access.WRITE, served, client -> LeaseGrpc.newBlockingStub(
        client.channel()).withDeadlineAfter(10, TimeUnit.SECONDS), rpc);
  }

  private static Call<AdminGrpc.AdminBlockingStub> admin(String name, Access access,
      Status.Code served, Function<AdminGrpc.AdminBlockingStub, Object> rpc) {
    return new Call<>(name, access, served, KvClient::admin, rpc);
  }

  static Stream<Arguments> grpcMatrix() {
    List<Arguments> cases = new ArrayList<>();
    for (Call<?> call : CALLS) {
      for (Credential credential : Credential.values()) {
        cases.add(Arguments.of(call, credential));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("grpcMatrix")
  void grpcCallsOnAFollowerNeedTheirRole(Call<?> call, Credential credential) {
    Status.Code expected = credential.expectedGrpcStatus(call.access(), call.served());

    assertThat(statusOf(call, credential)).isEqualTo(expected);
  }

  private static <S extends AbstractStub<S>> Status.Code statusOf(Call<S> call,
      Credential credential) {
    S stub = call.stub().apply(viaFollower);
    try {
      // only the status matters here: a call that returns at all was allowed
      var unused = call.rpc()
          .apply(credential.header == null ? stub : withAuth(stub, credential.header));
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED
          || e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
        assertThat(ErrorTrailer.code(e).orElseThrow())
            .isIn("unauthenticated", "permission_denied");
      }
      return e.getStatus().getCode();
    }
  }

  private static final Metadata.Key<String> FORWARDED_BY =
      Metadata.Key.of("pensieve-forwarded-by", Metadata.ASCII_STRING_MARSHALLER);

  @Test
  void theLeaderChecksAForwardedCallAgainRatherThanTrustingTheForwardingHeader() {
    PensieveNode leader = cluster.awaitLeader();
    Metadata forgedForward = new Metadata();
    forgedForward.put(FORWARDED_BY, follower.info().id());
    try (KvClient client = KvClient.connect(leader)) {
      AdminGrpc.AdminBlockingStub forged = client.admin()
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forgedForward));

      StatusRuntimeException noToken = catchThrowableOfType(StatusRuntimeException.class,
          () -> forged.removeMember(RemoveMemberRequest.newBuilder().setId("n9").build()));
      StatusRuntimeException readToken = catchThrowableOfType(StatusRuntimeException.class,
          () -> withAuth(forged, Credential.READ.header)
              .removeMember(RemoveMemberRequest.newBuilder().setId("n9").build()));

      assertThat(noToken.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(readToken.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void grpcHealthAndReflectionNeedNoToken() throws Exception {
    HealthCheckResponse health = await().atMost(Duration.ofSeconds(10)).until(
        () -> HealthGrpc.newBlockingStub(viaFollower.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService("pensieve.v1.KV").build()),
        response -> response.getStatus() == HealthCheckResponse.ServingStatus.SERVING);

    CompletableFuture<ServerReflectionResponse> listed = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc
        .newStub(viaFollower.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {
            listed.complete(response);
          }

          @Override
          public void onError(Throwable t) {
            listed.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    requests.onCompleted();

    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(listed.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
        .anySatisfy(service -> assertThat(service.getName()).isEqualTo("pensieve.v1.Admin"));
  }

  // ---- the log ----

  private ListAppender<ILoggingEvent> refusals;

  @BeforeEach
  void captureRefusals() {
    refusals = new ListAppender<>();
    refusals.start();
    ((Logger) LoggerFactory.getLogger(AccessControl.class)).addAppender(refusals);
  }

  @AfterEach
  void stopCapturing() {
    ((Logger) LoggerFactory.getLogger(AccessControl.class)).detachAppender(refusals);
  }

  @Test
  void refusalsAreLoggedWithReasonRouteAndSubjectButNeverTheToken() {
    send(follower, "GET", "/v1/kv/matrix", null, Credential.EXPIRED);
    send(follower, "PUT", "/v1/kv/matrix", "{\"value\":\"v\"}", Credential.READ);

    List<String> lines = refusals.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("GET /v1/kv/matrix", "expired");
    assertThat(lines.get(1)).contains("PUT /v1/kv/matrix", "'reader'", "needs write");
    for (Credential credential : List.of(Credential.EXPIRED, Credential.READ)) {
      String token = credential.header.substring("Bearer ".length());
      assertThat(String.join("\n", lines)).doesNotContain(token)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }
  }

  // ---- helpers ----

  private static <S extends AbstractStub<S>> S withAuth(S stub, String header) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), header);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  private static Reply send(PensieveNode node, String method, String path, String body,
      Credential credential) {
    return rest.send(request(node, method, path, body, credential.header));
  }

  private static HttpRequest request(PensieveNode node, String method, String path, String body,
      String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(RestClient.uri(node, path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  /** The secret and a users file with bcrypt hashes (cost 4: tests need no slow hashes). */
  private static Path writeAuthFiles() {
    try {
      Path dir = Files.createTempDirectory("pensieve-auth-");
      Files.write(dir.resolve("secret"), SECRET);
      Files.write(dir.resolve("users"), List.of(
          "# name:roles:bcrypt",
          "alice:read,write:" + hash("alice-password"),
          "ops@example.com:admin:" + hash("ops-password")));
      for (String file : List.of("secret", "users")) {
        Files.setPosixFilePermissions(dir.resolve(file),
            PosixFilePermissions.fromString("rw-------"));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hash(String password) {
    return BCrypt.withDefaults().hashToString(4, password.toCharArray());
  }
}
