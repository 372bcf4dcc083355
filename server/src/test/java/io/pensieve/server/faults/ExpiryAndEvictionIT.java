package io.pensieve.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.grpc.KvClient;
import io.pensieve.statemachine.RatisMessages;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.raftlog.RaftLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TTL expiry and LRU eviction are replicated decisions: every node stops serving an expired key
 * and counts its expiration, and every node evicts the same keys, including after reads served
 * by different nodes changed the LRU order through Touch commands.
 */
class ExpiryAndEvictionIT {
  private static final int MAX_ENTRIES = 50;
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3, builder -> builder
      .initialSettings(new Settings(MAX_ENTRIES, 0, EvictionPolicy.LRU, 0, 1024, 1024))
      .cleanupInterval(Duration.ofMillis(200))
      .touchInterval(Duration.ofMillis(200)));
  /** One client per node, by node id. */
  static final Map<String, KvClient> clients = new LinkedHashMap<>();

  @BeforeAll
  static void connectClients() throws Exception {
    for (PensieveNode node : cluster.nodes()) {
      clients.put(node.info().id(), KvClient.connect(node));
    }
    for (KvClient client : clients.values()) {
      await("the capacity limit applied").atMost(PATIENCE)
          .until(() -> stats(client).getSettings().getMaxEntries() == MAX_ENTRIES);
    }
  }

  @AfterAll
  static void closeClients() {
    clients.values().forEach(KvClient::close);
  }

  private static StatsResponse stats(KvClient client) {
    return client.kv().stats(StatsRequest.getDefaultInstance());
  }

  @Test
  void anExpiredKeyVanishesFromEveryNodeAndEveryNodeCountsItsExpiration() {
    KvClient writer = clients.get(cluster.followers().get(0).info().id());

    writer.kv().put(PutRequest.newBuilder().setKey(KvClient.utf8("ttl-key"))
        .setValue(KvClient.utf8("short-lived")).setTtlMillis(3000).build());

    for (Map.Entry<String, KvClient> node : clients.entrySet()) {
      await(node.getKey() + " holds the key").atMost(PATIENCE)
          .until(() -> node.getValue().staleValue("ttl-key").isPresent());
    }
    for (Map.Entry<String, KvClient> node : clients.entrySet()) {
      await(node.getKey() + " stops serving the expired key").atMost(PATIENCE)
          .until(() -> node.getValue().staleValue("ttl-key").isEmpty());
    }
    for (Map.Entry<String, KvClient> node : clients.entrySet()) {
      await(node.getKey() + " applied the leader's Expire").atMost(PATIENCE)
          .until(() -> stats(node.getValue()).getExpirations() > 0);
    }
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
  }

  @Test
  void everyNodeEvictsTheSameLeastRecentlyUsedKeysAfterReadsOnEveryNode() throws Exception {
    PensieveNode leaderNode = cluster.awaitLeader();
    KvClient leader = clients.get(leaderNode.info().id());
    // given 200 keys written one after another into room for 50: lru-150 .. lru-199 remain
    for (int i = 0; i < 200; i++) {
      leader.put(key(i), "v" + i);
    }
    long afterWrites = leaderNode.stateMachine().getLastAppliedTermIndex().getIndex();
    List<String> oldest = keys(150, 160);

    // when the ten oldest are read through every node, until Touch commands for all of them
    // are applied: they are then the most recently used, ahead of lru-160 .. lru-199
    await("Touch commands for every key read are applied").atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(300))
        .until(() -> {
          clients.values().forEach(client -> oldest.forEach(client::value));
          return appliedTouches(leaderNode, afterWrites + 1).containsAll(oldest);
        });
    // and ten more keys are written
    for (int i = 200; i < 210; i++) {
      leader.put(key(i), "v" + i);
    }

    // then the next ten in write order were evicted, not the ten read, on every node
    Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    List<String> held = new ArrayList<>(oldest);
    held.addAll(keys(170, 210));
    List<String> evicted = new ArrayList<>(keys(0, 150));
    evicted.addAll(keys(160, 170));
    for (Map.Entry<String, KvClient> node : clients.entrySet()) {
      KvClient client = node.getValue();
      assertThat(client.values(evicted).values()).as("keys evicted, read on %s", node.getKey())
          .allMatch(Optional::isEmpty);
      assertThat(client.values(held).values()).as("keys held, read on %s", node.getKey())
          .allMatch(Optional::isPresent);
      StatsResponse stats = stats(client);
      assertThat(stats.getEntries()).isEqualTo(MAX_ENTRIES);
      assertThat(stats.getEvictions()).isGreaterThanOrEqualTo(160);
    }
    // and once the touches of those reads land, every replica has the same keys in the same order
    DigestResult same = Replicas.awaitSameState(cluster.nodes(), PATIENCE);
    assertThat(same.getEntries()).isEqualTo(MAX_ENTRIES);
  }

  /** The keys of every Touch command the node applied from {@code fromIndex} on. */
  private static Set<String> appliedTouches(PensieveNode node, long fromIndex)
      throws Exception {
    RaftLog log = node.raft().division().getRaftLog();
    long applied = node.stateMachine().getLastAppliedTermIndex().getIndex();
    Set<String> keys = new HashSet<>();
    for (long index = fromIndex; index <= applied; index++) {
      LogEntryProto entry = log.get(index);
      if (entry == null || !entry.hasStateMachineLogEntry()) {
        continue;
      }
      CommandBatch batch = RatisMessages.parse(CommandBatch.parser(),
          entry.getStateMachineLogEntry().getLogData());
      for (Command command : batch.getCommandsList()) {
        command.getTouch().getKeysList().forEach(key -> keys.add(key.toStringUtf8()));
      }
    }
    return keys;
  }

  private static String key(int i) {
    return String.format("lru-%03d", i);
  }

  private static List<String> keys(int fromInclusive, int toExclusive) {
    return IntStream.range(fromInclusive, toExclusive).mapToObj(ExpiryAndEvictionIT::key)
        .toList();
  }
}
