package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.proto.v1.DigestResult;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.grpc.KvClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;

/** Checks across the replicas of an in-JVM cluster. */
public final class Replicas {
  private static final int READ_CHUNK = 500;

  private Replicas() {}

  /**
   * Waits until every node has applied the same log prefix and holds the same state: equal
   * digests at equal applied indexes. Call it once nothing more is being proposed.
   */
  public static DigestResult awaitSameState(List<PensieveNode> nodes, Duration atMost) {
    try {
      return await("every replica's digest equal at the same applied index").atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> sameState(nodes), Optional::isPresent).orElseThrow();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("replicas still differ: " + describe(nodes), e);
    }
  }

  private static Optional<DigestResult> sameState(List<PensieveNode> nodes) {
    DigestResult first = null;
    for (PensieveNode node : nodes) {
      DigestResult digest = node.stateMachine().digest();
      if (first == null) {
        first = digest;
      } else if (!first.equals(digest)) {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(first);
  }

  /** The digests of every node, for failure messages. */
  static Map<String, String> describe(List<PensieveNode> nodes) {
    Map<String, String> digests = new LinkedHashMap<>();
    for (PensieveNode node : nodes) {
      DigestResult digest = node.stateMachine().digest();
      digests.put(node.info().id(), "index " + digest.getAppliedIndex() + " entries "
          + digest.getEntries() + " sha " + HexFormat.of().formatHex(digest.getSha256()
          .toByteArray()).substring(0, 12));
    }
    return digests;
  }

  /** Asserts that a linearizable read of every acknowledged key returns its value. */
  static void assertAllReadable(String nodeId, KvClient client, Map<String, String> acked) {
    List<String> keys = new ArrayList<>(acked.keySet());
    Map<String, Optional<String>> read = new LinkedHashMap<>();
    for (int from = 0; from < keys.size(); from += READ_CHUNK) {
      read.putAll(client.values(keys.subList(from, Math.min(keys.size(), from + READ_CHUNK))));
    }
    List<String> wrong = new ArrayList<>();
    acked.forEach((key, value) -> {
      if (!read.get(key).equals(Optional.of(value))) {
        wrong.add(key + "=" + read.get(key).orElse("<missing>") + " (acknowledged " + value + ")");
      }
    });
    assertThat(wrong).as("acknowledged writes not read back on %s, of %d", nodeId, acked.size())
        .isEmpty();
  }
}
