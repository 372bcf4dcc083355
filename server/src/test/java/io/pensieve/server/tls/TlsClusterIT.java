package io.pensieve.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.AddMemberRequest;
import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.FollowerProgress;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.NodeStatus;
import io.pensieve.proto.v1.StatusRequest;
import io.pensieve.proto.v1.TransferLeaderRequest;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslProvider;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node cluster with TLS on every port, certificates made by the operators' script: clients
 * get through over TLS only, and a node whose certificate another CA signed never joins.
 */
class TlsClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir
  static Path certDir;
  private static DevCerts certs;
  private static DevCerts untrusted;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3,
      builder -> builder.tls(certs().node(builder.nodeId())));

  private static HttpClient https;
  /** To the first leader; any node serves what it is used for. */
  private static KvClient client;

  /** Made when the cluster's first node is configured, after the temporary directory. */
  private static synchronized DevCerts certs() {
    if (certs == null) {
      certs = DevCerts.make(certDir.resolve("cluster"), "n1", "n2", "n3");
      untrusted = DevCerts.make(certDir.resolve("untrusted"), "n4");
    }
    return certs;
  }

  @BeforeAll
  static void clients() throws Exception {
    https = TlsClients.https(certs.ca());
    client = KvClient.tls(cluster.awaitLeader().grpcPort(), certs.ca());
  }

  @AfterAll
  static void closeClients() {
    client.close();
  }

  @Test
  void aPutOverHttpsIsReadOverTlsGrpcOnAnotherNode() throws Exception {
    PensieveNode writer = cluster.nodes().get(0);
    PensieveNode reader = cluster.nodes().get(1);

    HttpResponse<String> put = https.send(HttpRequest.newBuilder(uri(writer, "/v1/kv/greeting"))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"hello over tls\"}"))
        .header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    try (KvClient grpc = KvClient.tls(reader.grpcPort(), certs.ca())) {
      assertThat(grpc.value("greeting")).contains("hello over tls");
    }
  }

  @Test
  void theClusterSaysItUsesTls() throws Exception {
    JsonNode cluster = getJson(TlsClusterIT.cluster.nodes().get(2), "/v1/cluster");
    JsonNode node = getJson(TlsClusterIT.cluster.nodes().get(2), "/v1/node");

    assertThat(cluster.path("tls").asBoolean()).isTrue();
    assertThat(cluster.path("members")).hasSize(3);
    assertThat(node.path("tls").asBoolean()).isTrue();
  }

  @Test
  void anAdminCallToAFollowerIsForwardedToTheLeaderOverTls() throws Exception {
    PensieveNode leaderNode = cluster.awaitLeader();
    try (KvClient follower = KvClient.tls(cluster.follower().grpcPort(), certs.ca())) {
      // only the leader carries out a transfer; the follower relays it there
      ClusterResponse view = follower.admin().transferLeader(TransferLeaderRequest.newBuilder()
          .setId(leaderNode.info().id()).build());

      assertThat(view.getLeaderId()).isEqualTo(leaderNode.info().id());
      assertThat(view.getMembersList()).hasSize(3);
    }
  }

  @Test
  void everyFollowerCatchesUpOverMutualTls() throws Exception {
    client.put("caught-up", "yes");
    long applied = leaderStatus().getAppliedIndex(); // the put's entry included

    NodeStatus status = await("both followers have the put's entry").atMost(AWAIT)
        .until(TlsClusterIT::leaderStatus, s -> s.getFollowersCount() == 2
            && s.getFollowersList().stream().allMatch(f -> f.getMatchIndex() >= applied));

    assertThat(applied).isPositive();
    assertThat(status.getFollowersList()).extracting(FollowerProgress::getId)
        .containsExactlyInAnyOrderElementsOf(cluster.followers().stream()
            .map(n -> n.info().id()).toList());
  }

  /** Status as the leader sees it (only the leader reports its followers' progress). */
  private static NodeStatus leaderStatus() throws IOException {
    try (KvClient leader = KvClient.tls(cluster.awaitLeader().grpcPort(), certs.ca())) {
      return leader.admin().status(StatusRequest.getDefaultInstance());
    }
  }

  @Test
  void plaintextHttpToTheRestPortIsAnswered400AndClosed() throws Exception {
    PensieveNode node = cluster.nodes().get(0);

    String reply;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.restPort())) {
      socket.setSoTimeout(10_000); // a node that hung would fail this with a timeout
      socket.getOutputStream().write("GET /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      // to the end: the node closes the connection after its answer
      reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(reply).startsWith("HTTP/1.1 400 ").containsIgnoringCase("connection: close")
        .contains("\"code\":\"invalid_argument\"")
        .contains("this node serves HTTPS only: use https://127.0.0.1:" + node.restPort())
        .doesNotContain("members");
    assertThat(getJson(node, "/v1/cluster").path("members")).hasSize(3);
  }

  @Test
  void plaintextGrpcToTheGrpcPortIsRefused() throws Exception {
    PensieveNode node = cluster.nodes().get(1);
    try (KvClient plain = KvClient.connect(node.grpcPort())) {
      assertThatThrownBy(() -> plain.value("greeting"))
          .isInstanceOfSatisfying(PensieveException.class,
              e -> assertThat(e.status()).isEqualTo(Status.Code.UNAVAILABLE));
    }
    try (KvClient tls = KvClient.tls(node.grpcPort(), certs.ca())) {
      assertThat(tls.admin().listMembers(ClusterRequest.getDefaultInstance())
          .getMembersCount()).isEqualTo(3);
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
    PensieveNode node = cluster.nodes().get(2);
    HttpClient wrongCa = TlsClients.https(untrusted.ca());

    assertThatThrownBy(() -> wrongCa.send(HttpRequest.newBuilder(uri(node, "/v1/cluster"))
        .build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
    try (KvClient grpc = KvClient.tls(node.grpcPort(), untrusted.ca())) {
      // the handshake failed, so the client knows that no request left it
      assertThatThrownBy(() -> grpc.value("greeting"))
          .isInstanceOfSatisfying(PensieveException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.source()).isEqualTo(PensieveException.Source.NEVER_CONNECTED);
          })
          .hasRootCauseInstanceOf(CertPathBuilderException.class)
          .cause().hasCauseInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void aNodeWhoseCertificateAnotherCaSignedIsNotAdded() throws Exception {
    PensieveNode stranger = cluster.startJoining("n4",
        builder -> builder.tls(untrusted.node("n4")));
    try (KvClient follower = KvClient.tls(cluster.follower().grpcPort(), certs.ca())) {
      AddMemberRequest add = AddMemberRequest.newBuilder().setId("n4")
          .setRaftAddress(stranger.info().raftAddress()).build();

      assertThatThrownBy(() -> follower.admin(Duration.ofSeconds(30)).addMember(add))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
              e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION))
          .hasMessageContaining("refused to add n4: TLS handshake with "
              + stranger.info().raftAddress() + " failed: its certificate is not signed by a "
              + "CA in this node's --tls-ca");
      assertThat(stranger.raft().isMember()).isFalse();
      assertThat(stranger.raft().division().getRaftLog().getNextIndex())
          .as("entries the stranger received").isZero();
    } finally {
      cluster.stop("n4");
    }
    assertThat(client.admin().listMembers(ClusterRequest.getDefaultInstance())
        .getMembersList()).extracting(Member::getId).containsExactlyInAnyOrder("n1", "n2", "n3");
    assertThat(client.put("after-n4", "served").getVersion()).isPositive();
  }

  @Test
  void theRaftPortRefusesAPeerWhoseCertificateAnotherCaSigned() throws Exception {
    PensieveNode member = cluster.nodes().get(0);
    NodeTls ours = NodeTls.load(certs.node("n2"));
    NodeTls stranger = NodeTls.load(untrusted.node("n4"));
    // trusts the cluster's CA, so only the member's check of the stranger's certificate fails
    GrpcTlsConfig strangerIdentity = GrpcTlsConfig.newBuilder()
        .setKeyManager(stranger.keyManager()).setTrustManager(ours.trustManager())
        .setMutualTls(true).setSslProvider(SslProvider.JDK).build();
    GrpcTlsConfig memberIdentity = GrpcTlsConfig.newBuilder()
        .setKeyManager(ours.keyManager()).setTrustManager(ours.trustManager())
        .setMutualTls(true).setSslProvider(SslProvider.JDK).build();

    assertThat(groupsAt(member, memberIdentity)).hasSize(1);
    assertThatThrownBy(() -> groupsAt(member, strangerIdentity))
        .satisfies(e -> assertThat(HandshakeFailure.of(e, "n1")).get()
            .extracting(Throwable::getMessage).asString()
            .contains("refused this node's certificate (Received fatal alert: bad_certificate)"));
    assertThatThrownBy(() -> groupsAt(member, null)).hasMessageContaining("UNAVAILABLE");
  }

  private static List<?> groupsAt(PensieveNode node, GrpcTlsConfig tls) throws IOException {
    RaftProperties properties = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
        TimeDuration.valueOf(3, TimeUnit.SECONDS));
    Parameters parameters = new Parameters();
    if (tls != null) {
      GrpcConfigKeys.TLS.setConf(parameters, tls);
    }
    RaftPeer peer = node.raft().self();
    try (RaftClient client = RaftClient.newBuilder().setProperties(properties)
        .setParameters(parameters)
        .setRaftGroup(RaftGroup.valueOf(node.raft().groupId(), peer))
        .setRetryPolicy(RetryPolicies.noRetry()).build()) {
      return client.getGroupManagementApi(peer.getId()).list().getGroupIds();
    }
  }

  private static JsonNode getJson(PensieveNode node, String path) throws Exception {
    HttpResponse<String> response = https.send(HttpRequest.newBuilder(uri(node, path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static URI uri(PensieveNode node, String path) {
    return URI.create("https://127.0.0.1:" + node.restPort() + path);
  }
}
