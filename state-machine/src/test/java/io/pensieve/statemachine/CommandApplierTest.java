package io.pensieve.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.api.KeyRanges;
import io.pensieve.api.RequestLimits;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.ExpireCommand;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.internal.v1.TouchCommand;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.EvictionPolicy;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.store.LruTtlMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log commands in protobuf form, through the map, to results in protobuf form. */
class CommandApplierTest {
  private static final long STAMP = 1_700_000_000_000L;
  private final LruTtlMap map = new LruTtlMap();
  private final MemberDirectory members = new MemberDirectory();

  @Test
  void aPutReportsItsVersionAndThePreviousValueWhenAsked() {
    apply(put("k", "1"));
    CommandResult result = apply(Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(bytes("k")).setValue(bytes("2")).setTtlMillis(500).setPrevKv(true)).build());

    assertThat(result.hasError()).isFalse();
    assertThat(result.getPut().getVersion()).isEqualTo(2);
    assertThat(result.getPut().getCreateRevision()).isEqualTo(1);
    assertThat(result.getPut().getPrevKv()).isEqualTo(KeyValue.newBuilder()
        .setKey(bytes("k")).setValue(bytes("1")).setVersion(1).setCreateRevision(1).build());
  }

  @Test
  void refusalsBecomeErrorsWithTheirCodeAndMessage() {
    CommandResult result = apply(Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFrom(new byte[2000])).setValue(bytes("v"))).build());

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_KEY_TOO_LARGE);
    assertThat(result.getError().getMessage())
        .isEqualTo("key of 2000 bytes is longer than max_key_bytes 1024");
  }

  @Test
  void aCompareAndSetNeedsACondition() {
    CommandResult result = apply(Command.newBuilder().setCompareAndSet(
        CompareAndSetRequest.newBuilder().setKey(bytes("k")).setValue(bytes("v"))).build());

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
  }

  @Test
  void aDeleteRangeRemovesThePrefixAtOneRevisionAndReturnsItsEntriesInKeyOrder() {
    for (String key : List.of("p/c", "p/a", "p0", "o", "p/b")) {
      apply(put(key, "value of " + key));
    }

    CommandResult result = apply(deleteRange(prefix("p/").setPrevKv(true)));

    DeleteRangeResponse deleted = result.getDeleteRange();
    assertThat(result.hasError()).isFalse();
    assertThat(deleted.getDeleted()).isEqualTo(3);
    assertThat(deleted.getRevision()).isEqualTo(6);
    assertThat(deleted.getPrevKvsList()).extracting(kv -> kv.getKey().toStringUtf8())
        .containsExactly("p/a", "p/b", "p/c");
    assertThat(deleted.getPrevKvs(0).getValue()).isEqualTo(bytes("value of p/a"));
    assertThat(map.size()).isEqualTo(2);
    assertThat(apply(put("next", "v")).getPut().getVersion()).isEqualTo(7);
  }

  @Test
  void aDeleteRangeOverTheKeyBoundIsRefusedAndDeletesNothing() {
    for (int i = 0; i <= RequestLimits.DEFAULT_DELETE_RANGE_KEYS; i++) {
      apply(put(String.format("many/%05d", i), "v"));
    }

    CommandResult result = apply(deleteRange(prefix("many/")));

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(result.getError().getMessage())
        .contains(String.valueOf(RequestLimits.DEFAULT_DELETE_RANGE_KEYS));
    assertThat(map.size()).isEqualTo(RequestLimits.DEFAULT_DELETE_RANGE_KEYS + 1);
  }

  @Test
  void aDeleteRangeWithPrevKvIsRefusedWhenItsEntriesWouldNotFitOneReply() {
    String large = "x".repeat(1_000_000);
    for (int i = 0; i < 5; i++) {
      apply(put("big/" + i, large));
    }

    CommandResult withPrevious = apply(deleteRange(prefix("big/").setPrevKv(true)));

    assertThat(withPrevious.getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(withPrevious.getError().getMessage()).contains("prev_kv");
    assertThat(map.size()).isEqualTo(5);
    CommandResult without = apply(deleteRange(prefix("big/")));
    assertThat(without.getDeleteRange().getDeleted()).isEqualTo(5);
    assertThat(map.size()).isZero();
  }

  @Test
  void aFailedCompareAndSetReturnsTheCurrentEntry() {
    apply(put("k", "1"));
    CommandResult result = apply(Command.newBuilder().setCompareAndSet(
        CompareAndSetRequest.newBuilder().setKey(bytes("k")).setValue(bytes("2"))
            .setCondition(Condition.newBuilder().setAbsent(true))).build());

    assertThat(result.getCompareAndSet().getSucceeded()).isFalse();
    assertThat(result.getCompareAndSet().getKv().getValue()).isEqualTo(bytes("1"));
  }

  @Test
  void aConditionalDeleteThatFailsSaysSoAndShowsTheCurrentEntry() {
    apply(put("k", "1"));
    CommandResult result = apply(Command.newBuilder().setDelete(DeleteRequest.newBuilder()
        .setKey(bytes("k")).setCondition(Condition.newBuilder().setValue(bytes("other"))))
        .build());

    assertThat(result.getDelete().getDeleted()).isFalse();
    assertThat(result.getDelete().getCompareFailed()).isTrue();
    assertThat(result.getDelete().getPrevKv().getValue()).isEqualTo(bytes("1"));
  }

  @Test
  void touchExpireAndConfigureReportWhatTheyDid() {
    apply(put("k", "1"));
    apply(Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(bytes("t")).setValue(bytes("v")).setTtlMillis(1)).build());

    CommandResult touch = apply(Command.newBuilder()
        .setTouch(TouchCommand.newBuilder().addKeys(bytes("k")).addKeys(bytes("nope"))).build());
    CommandResult expire = applyAt(STAMP + 1, Command.newBuilder()
        .setExpire(ExpireCommand.newBuilder().setMaxEntries(10)).build());
    CommandResult configure = apply(Command.newBuilder().setConfigure(ConfigureCommand.newBuilder()
        .setMaxEntries(0).setEvictionPolicy(EvictionPolicy.EVICTION_POLICY_NOEVICTION)).build());

    assertThat(touch.getTouch().getTouched()).isEqualTo(1);
    assertThat(expire.getExpire().getExpired()).isEqualTo(1);
    assertThat(configure.getConfigure().getChanged()).isTrue();
    assertThat(configure.getConfigure().getSettings().getEvictionPolicy())
        .isEqualTo(EvictionPolicy.EVICTION_POLICY_NOEVICTION);
  }

  @Test
  void anAdvertiseRecordsTheMembersAddressesAndSaysWhetherTheyChanged() {
    MemberAddresses n1 = MemberAddresses.newBuilder().setMemberId("n1")
        .setRestAddress("127.0.0.1:8001").setGrpcAddress("127.0.0.1:9001").build();
    Command advertise = Command.newBuilder().setAdvertise(n1).build();

    assertThat(apply(advertise).getAdvertise().getChanged()).isTrue();
    assertThat(apply(advertise).getAdvertise().getChanged()).isFalse();
    assertThat(members.get("n1")).contains(n1);
    assertThat(map.state().revision()).isZero();
  }

  @Test
  void anUnknownEvictionPolicyIsRefused() {
    CommandResult result = apply(Command.newBuilder().setConfigure(
        ConfigureCommand.newBuilder().setEvictionPolicyValue(99)).build());

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(result.getError().getMessage()).isEqualTo("unknown eviction policy");
  }

  @Test
  void aCommandWithNoOperationIsRefusedAndTheRestOfTheBatchStillApplies() {
    List<CommandResult> results = CommandApplier.apply(map, members, CommandBatch.newBuilder()
        .setLeaderTimeMillis(STAMP)
        .addCommands(Command.getDefaultInstance())
        .addCommands(put("k", "v"))
        .build()).getResultsList();

    assertThat(results.get(0).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(results.get(1).getPut().getVersion()).isEqualTo(1);
  }

  @Test
  void aConfigureSetsTheRequestBoundsAndReportsEveryBoundInForce() {
    CommandResult result = apply(configure(ConfigureCommand.newBuilder()
        .setMaxRangeEntries(5).setMaxDeleteRangeKeys(3)));

    assertThat(result.hasError()).isFalse();
    assertThat(result.getConfigure().getChanged()).isTrue();
    io.pensieve.proto.v1.Settings reported = result.getConfigure().getSettings();
    assertThat(reported.getMaxRangeEntries()).isEqualTo(5);
    assertThat(reported.getMaxDeleteRangeKeys()).isEqualTo(3);
    assertThat(reported.getMaxRangeBytes()).isEqualTo(RequestLimits.DEFAULT_RANGE_BYTES);
    assertThat(reported.getMaxTxnOps()).isEqualTo(RequestLimits.DEFAULT_TXN_OPS);
    assertThat(reported.getMaxLeases()).isEqualTo(RequestLimits.DEFAULT_LEASES);
    assertThat(map.settings().maxRangeEntries()).isEqualTo(5);
    assertThat(map.settings().maxDeleteRangeKeys()).isEqualTo(3);
  }

  @Test
  void aConfigureWithABoundOutOfRangeIsRefusedAndChangesNothing() {
    CommandResult result = apply(configure(ConfigureCommand.newBuilder()
        .setMaxRangeEntries(5).setMaxTxnOps(RequestLimits.MAX_TXN_OPS + 1)));

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(result.getError().getMessage()).isEqualTo("max_txn_ops must be between 1 and "
        + RequestLimits.MAX_TXN_OPS + " (or 0 for the default, " + RequestLimits.DEFAULT_TXN_OPS
        + "), got " + (RequestLimits.MAX_TXN_OPS + 1));
    assertThat(map.settings().maxRangeEntries()).isEqualTo(RequestLimits.DEFAULT_RANGE_ENTRIES);
    assertThat(map.state().configured()).isFalse();
  }

  @Test
  void aDeleteRangeIsBoundedByTheConfiguredMaxDeleteRangeKeys() {
    apply(configure(ConfigureCommand.newBuilder().setMaxDeleteRangeKeys(3)));
    for (String key : List.of("p/a", "p/b", "p/c", "p/d", "q/a", "q/b", "q/c")) {
      apply(put(key, "v"));
    }

    CommandResult tooMany = apply(deleteRange(prefix("p/")));
    CommandResult fits = apply(deleteRange(prefix("q/")));

    assertThat(tooMany.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(tooMany.getError().getMessage())
        .isEqualTo("the range holds more than max_delete_range_keys 3 live keys;"
            + " delete it in smaller ranges");
    assertThat(fits.getDeleteRange().getDeleted()).isEqualTo(3);
    assertThat(map.size()).isEqualTo(4);
  }

  @Test
  void aDeleteRangeWithPrevKvFitsTheConfiguredRangeReplyCap() {
    apply(configure(ConfigureCommand.newBuilder().setMaxRangeEntries(2)));
    for (String key : List.of("p/a", "p/b", "p/c")) {
      apply(put(key, "v"));
    }

    CommandResult result = apply(deleteRange(prefix("p/").setPrevKv(true)));

    assertThat(result.getError().getMessage()).contains("max_range_entries 2");
    assertThat(map.size()).isEqualTo(3);
  }

  private CommandResult apply(Command command) {
    return applyAt(STAMP, command);
  }

  private CommandResult applyAt(long stamp, Command command) {
    return CommandApplier.apply(map, members, CommandBatch.newBuilder()
        .setLeaderTimeMillis(stamp).addCommands(command).build()).getResults(0);
  }

  private static Command put(String key, String value) {
    return Command.newBuilder()
        .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
        .build();
  }

  private static Command configure(ConfigureCommand.Builder changes) {
    return Command.newBuilder().setConfigure(changes).build();
  }

  private static DeleteRangeRequest.Builder prefix(String prefix) {
    ByteString key = bytes(prefix);
    return DeleteRangeRequest.newBuilder().setKey(key)
        .setRangeEnd(ByteString.copyFrom(KeyRanges.prefixEnd(key.toByteArray())));
  }

  private static Command deleteRange(DeleteRangeRequest.Builder request) {
    return Command.newBuilder().setDeleteRange(request).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
