package io.pensieve.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.GetQuery;
import io.pensieve.internal.v1.Query;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.DigestResult;
import io.pensieve.proto.v1.PutRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.junit.jupiter.api.Test;

/**
 * A replica handed a committed entry it cannot apply stops at it: the entry is not skipped, the
 * applied index stays before it, and nothing is applied or made durable after it.
 */
class PensieveStateMachineHaltTest {
  private static final long TERM = 3;
  private static final long STAMP = 1_700_000_000_000L;
  private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
  /** A oneof case of Command that this build does not define, as a newer version writes it. */
  private static final int NEWER_KIND_FIELD = 99;

  private final PensieveStateMachine stateMachine =
      new PensieveStateMachine(() -> STAMP, StateMachineListener.NONE);

  @Test
  void bytesThatAreNotACommandBatchHaltTheReplicaAtTheirIndex() throws Exception {
    apply(0, batch(put("before", "1")));
    DigestResult before = stateMachine.digest();

    assertThatThrownBy(() -> applyBytes(1, GARBAGE))
        .isInstanceOf(StateMachineHaltedException.class)
        .hasMessageContaining("log index 1")
        .hasMessageContaining("not a command batch this build can read");

    StateMachineHalt halt = stateMachine.halt().orElseThrow();
    assertThat(halt.index()).isEqualTo(1);
    assertThat(halt.term()).isEqualTo(TERM);
    assertThat(halt.command()).isEqualTo("-");
    assertThat(stateMachine.getLastAppliedTermIndex().getIndex()).isZero();
    assertThat(stateMachine.digest()).isEqualTo(before);
  }

  @Test
  void aCommandOfAKindFromANewerVersionHaltsTheReplica() throws Exception {
    apply(0, batch(put("before", "1")));
    DigestResult before = stateMachine.digest();
    Command newer = Command.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(NEWER_KIND_FIELD, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8("a command of the future")).build())
        .build()).build();
    // a put ahead of it in the same entry must not be applied either
    byte[] entry = batch(put("same-entry", "2"), newer).toByteArray();
    assertThat(CommandBatch.parseFrom(entry).getCommands(1).getKindCase())
        .isEqualTo(Command.KindCase.KIND_NOT_SET);

    assertThatThrownBy(() -> applyBytes(1, entry))
        .isInstanceOf(StateMachineHaltedException.class)
        .hasMessageContaining("log index 1")
        .hasMessageContaining(
            "command 2 of 2 is of a kind this build does not know, a newer version's");

    StateMachineHalt halt = stateMachine.halt().orElseThrow();
    assertThat(halt.command()).isEqualTo("unknown (field " + NEWER_KIND_FIELD + ")");
    assertThat(stateMachine.getLastAppliedTermIndex().getIndex()).isZero();
    assertThat(stateMachine.digest()).isEqualTo(before);
    assertThat(stateMachine.readLocal(List.of(bytes("same-entry"))).getResults(0).getFound())
        .isFalse();
  }

  @Test
  void aKindThisBuildDoesNotApplyHaltsAFollowerAndAfterwardsNothingIsApplied() throws Exception {
    PensieveStateMachine olderBuild = new PensieveStateMachine(() -> STAMP,
        StateMachineListener.NONE, CommandKinds.allBut(Command.KindCase.COMPARE_AND_SET));
    applyTo(olderBuild, 0, batch(put("before", "1")));

    assertThatThrownBy(() -> applyTo(olderBuild, 1, batch(compareAndSet("before", "2"))))
        .isInstanceOf(StateMachineHaltedException.class)
        .hasMessageContaining("command 1 of 1 is compare_and_set, which this build does not "
            + "apply");
    assertThat(olderBuild.halt().orElseThrow().command()).isEqualTo("compare_and_set");

    // Ratis closes the member at the first throw; should anything call again, it still refuses
    assertThatThrownBy(() -> applyTo(olderBuild, 1, batch(put("after", "3"))))
        .isInstanceOf(StateMachineHaltedException.class);
    assertThat(olderBuild.getLastAppliedTermIndex().getIndex()).isZero();
    assertThat(olderBuild.readLocal(List.of(bytes("after"))).getResults(0).getFound()).isFalse();
    assertThatThrownBy(olderBuild::takeSnapshot).hasMessageContaining("no snapshot");
    CompletableFuture<Message> read = olderBuild.query(RatisMessages.toMessage(
        Query.newBuilder().setGet(GetQuery.newBuilder().addKeys(bytes("before"))).build()));
    assertThat(read).isCompletedExceptionally();
  }

  @Test
  void anEntryWhoseIndexSkipsOneHaltsTheReplica() throws Exception {
    apply(0, batch(put("k", "1")));

    assertThatThrownBy(() -> apply(2, batch(put("k", "2"))))
        .isInstanceOf(StateMachineHaltedException.class)
        .hasMessageContaining("entry 2 does not follow the last applied one, 0");
    assertThat(stateMachine.getLastAppliedTermIndex().getIndex()).isZero();
  }

  @Test
  void entriesInOrderApplyAndAdvanceTheIndex() throws Exception {
    apply(0, batch(put("k", "1")));
    apply(1, batch(compareAndSet("k", "2")));

    assertThat(stateMachine.halt()).isEmpty();
    assertThat(stateMachine.getLastAppliedTermIndex().getIndex()).isEqualTo(1);
    assertThat(stateMachine.readLocal(List.of(bytes("k"))).getResults(0).getKv().getValue())
        .isEqualTo(bytes("2"));
  }

  @Test
  void aLeaderRefusesToLogAKindItsBuildDoesNotApply() throws Exception {
    PensieveStateMachine olderBuild = new PensieveStateMachine(() -> STAMP,
        StateMachineListener.NONE, CommandKinds.allBut(Command.KindCase.COMPARE_AND_SET));

    TransactionContext refused =
        olderBuild.startTransaction(clientRequest(batch(compareAndSet("k", "v"))));
    TransactionContext accepted = olderBuild.startTransaction(clientRequest(batch(put("k", "v"))));

    assertThat(refused.getException()).isInstanceOf(InvalidCommandException.class)
        .hasMessageContaining("compare_and_set, which this build does not apply");
    assertThat(accepted.getException()).isNull();
    assertThat(olderBuild.halt()).isEmpty();
  }

  private void apply(long index, CommandBatch batch) throws Exception {
    applyTo(stateMachine, index, batch);
  }

  private void applyBytes(long index, byte[] logData) throws Exception {
    applyBytesTo(stateMachine, index, logData);
  }

  private static void applyTo(PensieveStateMachine target, long index, CommandBatch batch)
      throws Exception {
    applyBytesTo(target, index, batch.toByteArray());
  }

  /** As a follower's Ratis hands it a committed entry: bytes only, no parsed context. */
  private static void applyBytesTo(PensieveStateMachine target, long index, byte[] logData)
      throws Exception {
    LogEntryProto entry = LogEntryProto.newBuilder().setTerm(TERM).setIndex(index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
            .setLogData(UnsafeByteOperations.unsafeWrap(logData)))
        .build();
    TransactionContext trx = TransactionContext.newBuilder()
        .setServerRole(RaftPeerRole.FOLLOWER)
        .setStateMachine(target)
        .setLogEntry(entry)
        .build();
    target.applyTransaction(trx).get();
  }

  private static RaftClientRequest clientRequest(CommandBatch batch) {
    return RaftClientRequest.newBuilder()
        .setClientId(ClientId.randomId())
        .setServerId(RaftPeerId.valueOf("n1"))
        .setGroupId(RaftGroupId.randomId())
        .setCallId(1)
        .setMessage(RatisMessages.toMessage(batch))
        .setType(RaftClientRequest.writeRequestType())
        .build();
  }

  private static CommandBatch batch(Command... commands) {
    return CommandBatch.newBuilder().setLeaderTimeMillis(STAMP)
        .addAllCommands(List.of(commands)).build();
  }

  private static Command put(String key, String value) {
    return Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(bytes(key)).setValue(bytes(value))).build();
  }

  private static Command compareAndSet(String key, String value) {
    return Command.newBuilder().setCompareAndSet(CompareAndSetRequest.newBuilder()
        .setKey(bytes(key)).setValue(bytes(value))
        .setCondition(Condition.newBuilder().setVersion(1))).build();
  }

  private static ByteString bytes(String text) {
    return ByteString.copyFrom(text.getBytes(StandardCharsets.UTF_8));
  }
}
