package io.pensieve.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.TestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReadsAndWritesIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);
  final RestClient rest = new RestClient();

  @Test
  void aWriteSentToAFollowerIsReadBackLinearizablyFromAnotherFollower() {
    List<PensieveNode> followers = cluster.followers();

    RestClient.Reply put = rest.put(followers.get(0), "/v1/kv/colour", "{\"value\":\"blue\"}");
    RestClient.Reply read = rest.get(followers.get(1), "/v1/kv/colour");

    assertThat(put.status()).isEqualTo(200);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("value").asText()).isEqualTo("blue");
    assertThat(read.json().get("version").asLong()).isEqualTo(put.json().get("version").asLong());
  }
}
