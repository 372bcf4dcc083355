package io.pensieve.server.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pensieve seed's way to start a cluster: {@code NODE_ID}, {@code PORT} and {@code PEERS}
 * (the other nodes' REST URLs) in the environment, no flags. Each node asks its peers for their
 * ids and Raft addresses, and the three form one group.
 */
class SeedEnvironmentIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<NodeProcess> nodes = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void stopNodes() {
    nodes.forEach(NodeProcess::close);
  }

  @Test
  void nodesGivenEachOthersRestUrlsInPeersFormOneCluster() throws Exception {
    int[] restPorts = {NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort()};
    for (int i = 0; i < 3; i++) {
      List<String> peers = new ArrayList<>();
      for (int j = 0; j < 3; j++) {
        if (j != i) {
          peers.add("http://127.0.0.1:" + restPorts[j]);
        }
      }
      nodes.add(NodeProcess.start(List.of(), Map.of(
          "NODE_ID", String.valueOf(i + 1),
          "PORT", String.valueOf(restPorts[i]),
          "PEERS", String.join(",", peers),
          "PENSIEVE_GRPC_PORT", String.valueOf(NodeProcess.freePort()),
          "PENSIEVE_RAFT_PORT", String.valueOf(NodeProcess.freePort()),
          "PENSIEVE_LISTEN_HOST", "127.0.0.1",
          "PENSIEVE_DATA_DIR", dir.resolve("node" + (i + 1)).toString()),
          dir.resolve("node" + (i + 1) + ".log")));
    }

    JsonNode cluster = await("a leader known to node 3").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> json("GET", restPorts[2], "/v1/cluster", null),
            c -> !c.get("leader").asText().isEmpty());
    assertThat(cluster.get("members")).extracting(m -> m.get("id").asText())
        .containsExactlyInAnyOrder("1", "2", "3");

    await("the write through node 1").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> json("POST", restPorts[0], "/put", "{\"key\":\"foo\",\"val\":\"bar\"}"),
            reply -> reply.get("status").asText().equals("ok"));
    assertThat(json("GET", restPorts[1], "/get/foo", null).get("val").asText())
        .isEqualTo("bar");
  }

  private JsonNode json(String method, int port, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
