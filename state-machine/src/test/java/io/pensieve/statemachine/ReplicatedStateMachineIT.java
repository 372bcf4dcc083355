package io.pensieve.statemachine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.ExpireCommand;
import io.pensieve.internal.v1.GetQuery;
import io.pensieve.internal.v1.Query;
import io.pensieve.internal.v1.QueryResult;
import io.pensieve.internal.v1.TouchCommand;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.raftlog.RaftLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real Ratis servers over loopback gRPC, replicating the map through the log. */
class ReplicatedStateMachineIT {
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private RatisTestCluster cluster;

  @BeforeEach
  void startCluster(@TempDir Path root) throws IOException {
    cluster = RatisTestCluster.start(3, root, clock::get);
  }

  @AfterEach
  void stopCluster() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void singleAndBatchedWritesLeaveEveryReplicaInTheSameState() throws Exception {
    for (int i = 0; i < 20; i++) {
      CommandBatchResult result = cluster.submit(batch(put("single-" + i, "v" + i)));
      assertThat(result.getResults(0).getPut().getVersion()).isEqualTo(i + 1);
    }

    List<CompletableFuture<RaftClientReply>> inFlight = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      List<Command> commands = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        commands.add(put("batch-" + b + "-" + i, "value-" + i));
      }
      commands.add(touch("single-0", "single-1"));
      commands.add(delete("single-" + b));
      inFlight.add(cluster.client().async().send(RatisMessages.toMessage(batch(commands))));
    }
    for (CompletableFuture<RaftClientReply> reply : inFlight) {
      CommandBatchResult result =
          RatisMessages.parse(CommandBatchResult.parser(), reply.get().getMessage());
      assertThat(result.getResultsList()).hasSize(52);
      assertThat(result.getResults(51).getDelete().getDeleted()).isTrue();
    }

    Map<RaftPeerId, DigestResult> digests = cluster.awaitConverged();
    assertThat(digests.values()).allSatisfy(d -> {
      assertThat(d.getEntries()).isEqualTo(20 * 50);
      assertThat(d.getRevision()).isEqualTo(20 + 20 * 50 + 20);
    });
  }

  @Test
  void everyOperationInABatchGetsItsOwnResult() throws IOException {
    CommandBatchResult result = cluster.submit(batch(
        put("k", "1"),
        cas("k", Condition.newBuilder().setVersion(1).build(), "2"),
        cas("k", Condition.newBuilder().setVersion(1).build(), "3"),
        put("", "empty key"),
        delete("missing")));

    List<CommandResult> results = result.getResultsList();
    assertThat(results.get(0).getPut().getVersion()).isEqualTo(1);
    assertThat(results.get(1).getCompareAndSet().getSucceeded()).isTrue();
    assertThat(results.get(2).getCompareAndSet().getSucceeded()).isFalse();
    assertThat(results.get(2).getCompareAndSet().getKv().getValue().toStringUtf8())
        .isEqualTo("2");
    assertThat(results.get(3).getError().getMessage()).isEqualTo("key must not be empty");
    assertThat(results.get(4).getDelete().getDeleted()).isFalse();
  }

  @Test
  void aFollowerServesLinearizableReadsOfAcknowledgedWrites() throws IOException {
    cluster.submit(batch(put("greeting", "hello")));
    RaftPeerId follower = cluster.aFollower();

    RaftClientReply reply = cluster.client().io().sendReadOnly(
        RatisMessages.toMessage(getQuery("greeting", "absent")), follower);

    List<GetResponse> results = RatisMessages.parse(QueryResult.parser(), reply.getMessage())
        .getGet().getResultsList();
    assertThat(reply.getServerId()).isEqualTo(follower);
    assertThat(results.get(0).getKv().getValue().toStringUtf8()).isEqualTo("hello");
    assertThat(results.get(1).getFound()).isFalse();
  }

  @Test
  void theLeaderStampsItsClockAndTtlExpiryReachesEveryReplica() throws IOException {
    long writtenAt = clock.get();
    cluster.submit(batch(put("short-lived", "v", 1_000), put("lasting", "v")));
    cluster.awaitConverged();

    clock.addAndGet(999);
    assertThat(localGet("short-lived").values()).allSatisfy(r -> {
      assertThat(r.getFound()).isTrue();
      assertThat(r.getKv().getExpireAtMillis()).isEqualTo(writtenAt + 1_000);
    });

    clock.addAndGet(1);
    assertThat(localGet("short-lived").values()).allSatisfy(r -> assertThat(r.getFound()).isFalse());

    CommandBatchResult expire = cluster.submit(batch(Command.newBuilder()
        .setExpire(ExpireCommand.newBuilder().setMaxEntries(100)).build()));
    assertThat(expire.getResults(0).getExpire().getExpired()).isEqualTo(1);
    assertThat(cluster.awaitConverged().values()).allSatisfy(d -> assertThat(d.getEntries()).isEqualTo(1));
    for (RaftPeerId id : cluster.ids()) {
      assertThat(cluster.stateMachine(id).stats().getExpirations()).isEqualTo(1);
    }
  }

  @Test
  void lruEvictionLeavesEveryReplicaWithTheSameKeys() throws IOException {
    Settings small = new Settings(10, 0, EvictionPolicy.LRU, 0, 64, 1024);
    cluster.submit(batch(ConfigureCommands.of(SettingsMapping.toCommand(small).build())));
    for (int i = 0; i < 100; i++) {
      cluster.submit(batch(put("key-" + i, "v"), touch("key-0")));
    }

    Map<RaftPeerId, DigestResult> digests = cluster.awaitConverged();
    assertThat(digests.values()).allSatisfy(d -> assertThat(d.getEntries()).isEqualTo(10));
    assertThat(localGet("key-0").values()).allSatisfy(r -> assertThat(r.getFound()).isTrue());
    assertThat(localGet("key-5").values()).allSatisfy(r -> assertThat(r.getFound()).isFalse());
    for (RaftPeerId id : cluster.ids()) {
      assertThat(cluster.stateMachine(id).stats().getEvictions()).isEqualTo(90);
    }
  }

  @Test
  void aMalformedBatchIsRefusedBeforeItEntersTheLog() throws IOException {
    cluster.submit(batch(put("k", "v")));
    cluster.awaitConverged();
    RaftLog leaderLog = cluster.division(cluster.awaitLeader()).getRaftLog();
    long lastBefore = leaderLog.getLastEntryTermIndex().getIndex();

    assertThatThrownBy(() -> cluster.submit(CommandBatch.getDefaultInstance()))
        .isInstanceOf(StateMachineException.class)
        .hasCauseInstanceOf(InvalidCommandException.class)
        .hasMessageEndingWith("a batch holds 1 to 10000 commands, got 0");

    // Ratis may append its own metadata entries, but no command entry went in
    for (long i = lastBefore + 1; i <= leaderLog.getLastEntryTermIndex().getIndex(); i++) {
      assertThat(leaderLog.get(i).hasStateMachineLogEntry()).as("entry %d", i).isFalse();
    }
  }

  @Test
  void aRestartedServerRecoversFromItsSnapshotPlusItsLog() throws IOException {
    writeKeys("before", 300);
    RaftPeerId follower = cluster.aFollower();
    cluster.awaitConverged();
    long snapshotIndex = cluster.snapshotNow(follower);
    // fewer entries than the automatic snapshot threshold: they stay in the log only
    writeKeys("after", 50);
    long appliedIndex = cluster.awaitConverged().get(follower).getAppliedIndex();

    cluster.stop(follower);
    cluster.restart(follower);

    PensieveStateMachine restarted = cluster.stateMachine(follower);
    assertThat(restarted.snapshotsLoaded()).isEqualTo(1);
    assertThat(restarted.getLatestSnapshot().getIndex()).isEqualTo(snapshotIndex);
    // the log tail is replayed from the local log, before any contact with the leader
    await("local replay").atMost(Duration.ofSeconds(30))
        .until(() -> restarted.getLastAppliedTermIndex().getIndex() >= appliedIndex);
    Map<RaftPeerId, DigestResult> digests = cluster.awaitConverged();
    assertThat(digests.get(follower).getEntries()).isEqualTo(350);
    assertThat(restarted.snapshotsInstalled()).isZero();
  }

  @Test
  void aServerThatMissedAPurgedLogReceivesASnapshotAndConverges() throws IOException {
    RaftPeerId follower = cluster.aFollower();
    writeKeys("early", 10);
    cluster.awaitConverged();
    long lastIndexBeforeStop = cluster.division(follower).getRaftLog().getLastCommittedIndex();
    cluster.stop(follower);

    writeKeys("missed", 4 * (int) RatisTestCluster.SNAPSHOT_EVERY_ENTRIES);
    RaftPeerId leader = cluster.awaitLeader();
    await("the leader purges the entries the follower lacks").atMost(Duration.ofSeconds(30))
        .until(() -> cluster.division(leader).getRaftLog().getStartIndex()
            > lastIndexBeforeStop + 1);

    cluster.restart(follower);

    await("a snapshot installed on " + follower).atMost(Duration.ofSeconds(60))
        .until(() -> cluster.stateMachine(follower).snapshotsInstalled() >= 1);
    Map<RaftPeerId, DigestResult> digests = cluster.awaitConverged();
    assertThat(digests.get(follower).getEntries()).isEqualTo(10 + 800);
  }

  @Test
  void aServerWhoseSnapshotIsCorruptRefusesToStartRatherThanLoadIt() throws IOException {
    writeKeys("k", 20);
    RaftPeerId follower = cluster.aFollower();
    cluster.awaitConverged();
    cluster.snapshotNow(follower);
    Path snapshot = cluster.stateMachine(follower).getStateMachineStorage().getLatestSnapshot()
        .getFile().getPath();
    cluster.stop(follower);

    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(snapshot, bytes);

    assertThatThrownBy(() -> cluster.restart(follower))
        .hasStackTraceContaining("CorruptSnapshotException")
        .hasStackTraceContaining("snapshot " + snapshot + " is corrupt and was not loaded");
  }

  // ---- helpers ----

  private void writeKeys(String prefix, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      cluster.submit(batch(put(prefix + "-" + i, "value-" + i)));
    }
  }

  /** Each replica's answer from its own state, without a ReadIndex round. */
  private Map<RaftPeerId, GetResponse> localGet(String key) {
    Map<RaftPeerId, GetResponse> answers = new LinkedHashMap<>();
    for (RaftPeerId id : cluster.ids()) {
      QueryResult result = cluster.stateMachine(id)
          .query(RatisMessages.toMessage(getQuery(key)))
          .thenApply(m -> {
            try {
              return RatisMessages.parse(QueryResult.parser(), m);
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }).join();
      answers.put(id, result.getGet().getResults(0));
    }
    return answers;
  }

  private static Query getQuery(String... keys) {
    GetQuery.Builder get = GetQuery.newBuilder();
    for (String key : keys) {
      get.addKeys(bytes(key));
    }
    return Query.newBuilder().setGet(get).build();
  }

  private static CommandBatch batch(Command... commands) {
    return batch(List.of(commands));
  }

  private static CommandBatch batch(List<Command> commands) {
    return CommandBatch.newBuilder().addAllCommands(commands).build();
  }

  private static Command put(String key, String value) {
    return Command.newBuilder()
        .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
        .build();
  }

  private static Command put(String key, String value, long ttlMillis) {
    return Command.newBuilder()
        .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))
            .setTtlMillis(ttlMillis))
        .build();
  }

  private static Command cas(String key, Condition condition, String value) {
    return Command.newBuilder()
        .setCompareAndSet(CompareAndSetRequest.newBuilder()
            .setKey(bytes(key)).setValue(bytes(value)).setCondition(condition))
        .build();
  }

  private static Command delete(String key) {
    return Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(bytes(key))).build();
  }

  private static Command touch(String... keys) {
    TouchCommand.Builder touch = TouchCommand.newBuilder();
    for (String key : keys) {
      touch.addKeys(bytes(key));
    }
    return Command.newBuilder().setTouch(touch).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, UTF_8);
  }
}
