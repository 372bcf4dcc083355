package io.pensieve.server.raft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.server.tls.NodeTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code --peers} list into the Raft group's members. Two forms, mixable:
 *
 * <ul>
 *   <li>{@code n2=10.0.0.2:7880}: a member id and its Raft address;
 *   <li>{@code http://10.0.0.2:7878}: another node's REST URL, as the Pensieve seed's {@code
 *       PEERS} gives it. The node is asked for its id and Raft address ({@code GET /v1/node}),
 *       again and again until it answers, so nodes may start in any order. With TLS on, the
 *       URLs are {@code https://} and the peer's certificate must chain to the trusted CAs.
 * </ul>
 *
 * This node is always a member, at the address given for its id or else its own.
 */
final class PeerResolver {
  private static final Logger LOG = LoggerFactory.getLogger(PeerResolver.class);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
  private static final ObjectMapper JSON = new ObjectMapper();

  private PeerResolver() {}

  static List<RaftPeer> resolve(List<String> specs, RaftPeer self, Optional<NodeTls> tls)
      throws InterruptedException {
    Map<String, RaftPeer> byId = new LinkedHashMap<>();
    List<URI> toAsk = new ArrayList<>();
    for (String raw : specs) {
      String spec = raw.strip();
      if (spec.isEmpty()) {
        continue;
      }
      if (spec.contains("://")) {
        toAsk.add(requireScheme(URI.create(spec.endsWith("/") ? spec : spec + "/"), tls));
      } else {
        RaftPeer peer = parseMember(spec);
        byId.put(peer.getId().toString(), peer);
      }
    }
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(ASK_TIMEOUT);
    tls.ifPresent(node -> builder.sslContext(node.sslContext())
        .sslParameters(node.clientParameters()));
    HttpClient http = builder.build();
    for (URI uri : toAsk) {
      RaftPeer peer = ask(http, uri);
      byId.putIfAbsent(peer.getId().toString(), peer);
    }
    byId.putIfAbsent(self.getId().toString(), self);
    return List.copyOf(byId.values());
  }

  /** A URL whose scheme fits the node: a TLS node's peers serve https only, others http. */
  private static URI requireScheme(URI uri, Optional<NodeTls> tls) {
    String expected = tls.isPresent() ? "https" : "http";
    if (!expected.equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("peer " + uri + ": this node "
          + (tls.isPresent() ? "uses TLS, so its peers serve https://" : "has no TLS "
          + "(--tls-cert), so its peers serve http://") + " URLs only");
    }
    return uri;
  }

  /** Parses {@code id=host:port}. */
  static RaftPeer parseMember(String spec) {
    int equals = spec.indexOf('=');
    int colon = spec.lastIndexOf(':');
    if (equals < 1 || colon < equals + 2 || colon == spec.length() - 1) {
      throw new IllegalArgumentException("a peer is id=host:port or http://host:port, got '"
          + spec + "'");
    }
    try {
      Integer.parseInt(spec.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("peer '" + spec + "' has no numeric port");
    }
    return RaftPeer.newBuilder()
        .setId(spec.substring(0, equals))
        .setAddress(spec.substring(equals + 1))
        .build();
  }

  private static RaftPeer ask(HttpClient http, URI base) throws InterruptedException {
    URI uri = base.resolve("v1/node");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(ASK_TIMEOUT).GET().build();
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 200) {
          JsonNode node = JSON.readTree(response.body());
          RaftPeer peer = RaftPeer.newBuilder()
              .setId(node.path("id").asText())
              .setAddress(node.path("raft_address").asText())
              .build();
          LOG.info("Peer {} is member {} at Raft address {}", base, peer.getId(),
              peer.getAddress());
          return peer;
        }
        LOG.info("Peer {} answered {}; asking again", uri, response.statusCode());
      } catch (IOException e) {
        if (attempt == 1 || attempt % 20 == 0) {
          LOG.info("Waiting for peer {} to answer ({})", uri, e.toString());
        }
      }
      Thread.sleep(RETRY_PAUSE.toMillis());
    }
  }
}
