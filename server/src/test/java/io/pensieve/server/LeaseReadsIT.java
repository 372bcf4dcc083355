package io.pensieve.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code --read-lease}, linearizable reads still see every acknowledged write. */
class LeaseReadsIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, node -> node.readLease(true));
  final RestClient rest = new RestClient();

  @Test
  void everyMemberReadsTheLatestWriteAlsoAfterTheLeaderChanged() {
    PensieveNode leader = cluster.awaitLeader();
    assertThat(rest.put(leader, "/v1/kv/lease", "{\"value\":\"first\"}").status()).isEqualTo(200);
    for (PensieveNode node : cluster.members()) {
      assertThat(rest.get(node, "/v1/kv/lease").json().get("value").asText()).isEqualTo("first");
    }

    cluster.stop(leader.info().id());
    PensieveNode next = cluster.awaitLeader();
    List<PensieveNode> others = cluster.followers();
    assertThat(rest.put(others.get(0), "/v1/kv/lease", "{\"value\":\"second\"}").status())
        .isEqualTo(200);

    assertThat(rest.get(next, "/v1/kv/lease").json().get("value").asText()).isEqualTo("second");
    assertThat(rest.get(others.get(0), "/v1/kv/lease").json().get("value").asText())
        .isEqualTo("second");
  }
}
