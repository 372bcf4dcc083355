package io.pensieve.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.ClusterRequest;
import io.pensieve.proto.v1.Member;
import io.pensieve.server.NodeConfig;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.grpc.KvClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pensieve seed's PEERS as REST URLs, with TLS: each node asks the others for their ids
 * and Raft addresses over https, trusting the cluster's CA.
 */
class TlsPeerUrlsIT {
  @TempDir
  Path dir;
  private final List<PensieveNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(PensieveNode::close);
  }

  private PensieveNode open(String id, DevCerts certs) throws Exception {
    PensieveNode node = PensieveNode.open(NodeConfig.builder(id, dir.resolve(id))
        .listenHost("127.0.0.1").ports(0, 0, 0).electionTimeoutMin(Duration.ofMillis(500))
        .shutdownGrace(Duration.ofSeconds(5)).tls(certs.node(id)).build());
    nodes.add(node);
    return node;
  }

  @Test
  void nodesGivenEachOthersHttpsUrlsFormOneCluster() throws Exception {
    DevCerts certs = DevCerts.make(dir.resolve("certs"), "n1", "n2");
    PensieveNode n1 = open("n1", certs);
    PensieveNode n2 = open("n2", certs);
    List<String> peers = List.of("https://127.0.0.1:" + n1.restPort(),
        "https://127.0.0.1:" + n2.restPort());

    n1.join(peers);
    n2.join(peers);

    try (KvClient client = KvClient.tls(n2.grpcPort(), certs.ca())) {
      await("a leader").atMost(Duration.ofSeconds(30))
          .until(() -> n1.raft().leaderId().isPresent() && n2.raft().leaderId().isPresent());
      assertThat(client.admin().listMembers(ClusterRequest.getDefaultInstance())
          .getMembersList()).extracting(Member::getRaftAddress)
          .containsExactlyInAnyOrder(n1.info().raftAddress(), n2.info().raftAddress());
      assertThat(client.put("joined", "over https").getVersion()).isPositive();
    }
  }

  @Test
  void aTlsNodeRefusesPlainHttpPeerUrls() throws Exception {
    PensieveNode n1 = open("n1", DevCerts.make(dir.resolve("certs"), "n1"));

    assertThatThrownBy(() -> n1.join(List.of("http://127.0.0.1:" + n1.restPort())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("this node uses TLS, so its peers serve https:// URLs only");
  }
}
