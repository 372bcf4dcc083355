package io.pensieve.statemachine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pensieve.api.KeyRanges;
import io.pensieve.api.RequestLimits;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.ExpireCommand;
import io.pensieve.internal.v1.LeaseExpireCommand;
import io.pensieve.internal.v1.LeaseKeepAliveCommand;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.internal.v1.TouchCommand;
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.EvictionPolicy;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log commands in protobuf form, through the map, to results in protobuf form. */
class CommandApplierTest {
  private static final long STAMP = 1_700_000_000_000L;
  private final LeasedMap store = new LeasedMap();
  private final LruTtlMap map = store.map();
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
    List<CommandResult> results = CommandApplier.apply(store, members, CommandBatch.newBuilder()
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
  void aConfigureOfRequestBoundsIsItsOwnKindAndAppliesAsAConfigure() {
    Command command = configure(ConfigureCommand.newBuilder().setMaxTxnOps(4));
    assertThat(command.getKindCase()).isEqualTo(Command.KindCase.CONFIGURE_REQUEST_BOUNDS);

    CommandResult result = apply(command);

    assertThat(result.getKindCase()).isEqualTo(CommandResult.KindCase.CONFIGURE);
    assertThat(result.getConfigure().getChanged()).isTrue();
    assertThat(result.getConfigure().getSettings().getMaxTxnOps()).isEqualTo(4);
    assertThat(map.settings().maxTxnOps()).isEqualTo(4);
  }

  @Test
  void bothConfigureKindsApplyTheSameChangesAlike() {
    ConfigureCommand changes = ConfigureCommand.newBuilder().setMaxEntries(1)
        .setDefaultTtlMillis(60_000).build();
    LeasedMap other = new LeasedMap();
    apply(put("a", "1"));
    applyTo(other, put("a", "1"));
    apply(put("b", "2"));
    applyTo(other, put("b", "2"));

    CommandResult asConfigure = apply(Command.newBuilder().setConfigure(changes).build());
    CommandResult asRequestBounds =
        applyTo(other, Command.newBuilder().setConfigureRequestBounds(changes).build());

    assertThat(asRequestBounds).isEqualTo(asConfigure);
    assertThat(asConfigure.getConfigure().getEvicted()).isEqualTo(1);
    assertThat(other.map().state()).isEqualTo(map.state());
    assertThat(other.map().get(bytes("b").toByteArray(), STAMP)).isPresent();
    assertThat(map.get(bytes("b").toByteArray(), STAMP)).isPresent();
  }

  @Test
  void aConfigureKindCarryingARequestBoundAppliesWithoutItAsThePreviousReleaseDoes() {
    // what a node of the previous version proposes when a newer client asks it for max_txn_ops:
    // the field rides as bytes that version does not know, and its members apply the rest
    CommandResult result = apply(Command.newBuilder().setConfigure(ConfigureCommand.newBuilder()
        .setDefaultTtlMillis(60_000).setMaxTxnOps(4)).build());

    assertThat(result.getConfigure().getChanged()).isTrue();
    assertThat(map.settings().defaultTtlMillis()).isEqualTo(60_000);
    assertThat(map.settings().maxTxnOps()).isEqualTo(RequestLimits.DEFAULT_TXN_OPS);
    assertThat(result.getConfigure().getSettings().getMaxTxnOps())
        .isEqualTo(RequestLimits.DEFAULT_TXN_OPS);
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

  // ---- transactions ----

  @Test
  void aTransactionWritesEveryKeyAtOneRevisionAndAnswersEachOp() {
    apply(put("a", "1"));
    apply(put("gone", "x"));

    CommandResult result = apply(txn(TxnRequest.newBuilder()
        .addCompares(compare("a", CompareOp.COMPARE_OP_EQUAL).setValue(bytes("1")))
        .addSuccess(putOp("a", "2"))
        .addSuccess(putOp("b", "3"))
        .addSuccess(TxnOp.newBuilder().setDelete(DeleteRequest.newBuilder()
            .setKey(bytes("gone")).setPrevKv(true)))
        .addSuccess(getOp("a"))
        .addSuccess(TxnOp.newBuilder().setRange(RangeRequest.newBuilder()
            .setKey(bytes("a")).setRangeEnd(bytes("z"))))));

    assertThat(result.hasError()).isFalse();
    TxnResponse txn = result.getTxn();
    assertThat(txn.getSucceeded()).isTrue();
    assertThat(txn.getRevision()).isEqualTo(3);
    assertThat(txn.getResults(0).getPut().getVersion()).isEqualTo(3);
    assertThat(txn.getResults(1).getPut().getVersion()).isEqualTo(3);
    assertThat(txn.getResults(1).getPut().getCreateRevision()).isEqualTo(3);
    assertThat(txn.getResults(2).getDelete().getDeleted()).isTrue();
    assertThat(txn.getResults(2).getDelete().getRevision()).isEqualTo(3);
    assertThat(txn.getResults(2).getDelete().getPrevKv().getValue()).isEqualTo(bytes("x"));
    // reads see the writes before them
    assertThat(txn.getResults(3).getGet().getKv().getValue()).isEqualTo(bytes("2"));
    assertThat(txn.getResults(4).getRange().getKvsList())
        .extracting(kv -> kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8()
            + "@" + kv.getVersion())
        .containsExactly("a=2@3", "b=3@3");
    assertThat(map.state().revision()).isEqualTo(3);
    map.checkInvariants();
  }

  @Test
  void aFailedCompareRunsTheFailureOpsAndAReadOnlyTxnKeepsTheRevision() {
    apply(put("a", "1"));

    TxnResponse txn = apply(txn(TxnRequest.newBuilder()
        .addCompares(compare("a", CompareOp.COMPARE_OP_GREATER).setVersion(1))
        .addSuccess(putOp("a", "2"))
        .addFailure(getOp("a")))).getTxn();

    assertThat(txn.getSucceeded()).isFalse();
    assertThat(txn.getResultsCount()).isEqualTo(1);
    assertThat(txn.getResults(0).getGet().getKv().getValue()).isEqualTo(bytes("1"));
    assertThat(txn.getRevision()).isEqualTo(1);
    assertThat(map.state().revision()).isEqualTo(1);
  }

  @Test
  void comparesOnAMissingKeySeeVersionCreateAndLeaseZeroNoExistenceAndNoValue() {
    // target, operator, expected outcome on a key that does not exist
    Object[][] table = {
        {"version", CompareOp.COMPARE_OP_EQUAL, 0L, true},
        {"version", CompareOp.COMPARE_OP_NOT_EQUAL, 0L, false},
        {"version", CompareOp.COMPARE_OP_LESS, 1L, true},
        {"version", CompareOp.COMPARE_OP_GREATER, 0L, false},
        {"create", CompareOp.COMPARE_OP_EQUAL, 0L, true},
        {"create", CompareOp.COMPARE_OP_NOT_EQUAL, 0L, false},
        {"create", CompareOp.COMPARE_OP_LESS, 1L, true},
        {"create", CompareOp.COMPARE_OP_GREATER, 0L, false},
        {"lease", CompareOp.COMPARE_OP_EQUAL, 0L, true},
        {"lease", CompareOp.COMPARE_OP_NOT_EQUAL, 0L, false},
        {"lease", CompareOp.COMPARE_OP_LESS, 1L, true},
        {"lease", CompareOp.COMPARE_OP_GREATER, 0L, false},
        {"value", CompareOp.COMPARE_OP_EQUAL, "", false},
        {"value", CompareOp.COMPARE_OP_NOT_EQUAL, "", true},
        {"value", CompareOp.COMPARE_OP_LESS, "z", false},
        {"value", CompareOp.COMPARE_OP_GREATER, "", false},
        {"exists", CompareOp.COMPARE_OP_EQUAL, false, true},
        {"exists", CompareOp.COMPARE_OP_EQUAL, true, false},
        {"exists", CompareOp.COMPARE_OP_NOT_EQUAL, true, true},
        {"exists", CompareOp.COMPARE_OP_NOT_EQUAL, false, false},
    };
    for (Object[] row : table) {
      Compare.Builder compare = compare("missing", (CompareOp) row[1]);
      switch ((String) row[0]) {
        case "version" -> compare.setVersion((Long) row[2]);
        case "create" -> compare.setCreateRevision((Long) row[2]);
        case "lease" -> compare.setLease((Long) row[2]);
        case "value" -> compare.setValue(bytes((String) row[2]));
        default -> compare.setExists((Boolean) row[2]);
      }
      CommandResult result = apply(txn(TxnRequest.newBuilder().addCompares(compare)));
      assertThat(result.getTxn().getSucceeded()).as("%s %s %s", row).isEqualTo(row[3]);
    }
  }

  @Test
  void comparesOnAnExistingKeyOrderVersionsRevisionsAndValuesAsUnsignedBytes() {
    apply(put("other", "x"));
    apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes("k"))
        .setValue(ByteString.copyFrom(new byte[] {(byte) 0x80}))).build());
    apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes("k"))
        .setValue(ByteString.copyFrom(new byte[] {(byte) 0x90}))).build());

    assertThat(holds(compare("k", CompareOp.COMPARE_OP_EQUAL).setVersion(3))).isTrue();
    assertThat(holds(compare("k", CompareOp.COMPARE_OP_LESS).setVersion(4))).isTrue();
    assertThat(holds(compare("k", CompareOp.COMPARE_OP_GREATER).setCreateRevision(1))).isTrue();
    assertThat(holds(compare("k", CompareOp.COMPARE_OP_EQUAL).setCreateRevision(2))).isTrue();
    // 0x90 is above 0x7f as an unsigned byte, below it as a signed one
    assertThat(holds(compare("k", CompareOp.COMPARE_OP_GREATER)
        .setValue(ByteString.copyFrom(new byte[] {0x7f})))).isTrue();
    assertThat(holds(compare("k", CompareOp.COMPARE_OP_LESS)
        .setValue(ByteString.copyFrom(new byte[] {(byte) 0x90, 0})))).isTrue();
    assertThat(holds(compare("k", CompareOp.COMPARE_OP_EQUAL).setExists(true))).isTrue();
    assertThat(holds(compare("k", CompareOp.COMPARE_OP_EQUAL).setLease(0))).isTrue();
  }

  @Test
  void aTransactionThatDoesNotFitUnderNoevictionIsRefusedAndChangesNothing() {
    apply(Command.newBuilder().setConfigure(ConfigureCommand.newBuilder()
        .setMaxEntries(2).setEvictionPolicy(EvictionPolicy.EVICTION_POLICY_NOEVICTION)).build());
    apply(put("a", "1"));

    CommandResult result = apply(txn(TxnRequest.newBuilder()
        .addSuccess(putOp("a", "2"))
        .addSuccess(putOp("b", "2"))
        .addSuccess(putOp("c", "2"))));

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NO_SPACE);
    assertThat(map.get("a".getBytes(UTF_8), STAMP).orElseThrow().value())
        .isEqualTo("1".getBytes(UTF_8));
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.state().revision()).isEqualTo(1);

    // a delete earlier in the transaction makes room for a later put
    CommandResult fits = apply(txn(TxnRequest.newBuilder()
        .addSuccess(TxnOp.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(bytes("a"))))
        .addSuccess(putOp("b", "2"))
        .addSuccess(putOp("c", "2"))));
    assertThat(fits.hasError()).isFalse();
    assertThat(map.size()).isEqualTo(2);
  }

  @Test
  void aLaterOpThatWouldBeRefusedLeavesTheEarlierWritesUndone() {
    apply(put("a", "1"));
    for (int i = 0; i < RequestLimits.DEFAULT_DELETE_RANGE_KEYS + 1; i++) {
      apply(put("p/" + i, "v"));
    }
    long revision = map.state().revision();

    CommandResult tooLarge = apply(txn(TxnRequest.newBuilder()
        .addSuccess(putOp("a", "2"))
        .addSuccess(TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes("b"))
            .setValue(ByteString.copyFrom(new byte[2 * 1024 * 1024]))))));
    CommandResult tooManyKeys = apply(txn(TxnRequest.newBuilder()
        .addSuccess(putOp("a", "3"))
        .addSuccess(TxnOp.newBuilder().setDeleteRange(prefix("p/")))));
    CommandResult unknownLease = apply(txn(TxnRequest.newBuilder()
        .addSuccess(putOp("a", "4"))
        .addSuccess(TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes("c"))
            .setValue(bytes("v")).setLease(7)))));

    assertThat(tooLarge.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_VALUE_TOO_LARGE);
    assertThat(tooManyKeys.getError().getMessage()).isEqualTo("op 2 (delete_range):"
        + " the range holds more than max_delete_range_keys "
        + RequestLimits.DEFAULT_DELETE_RANGE_KEYS + " live keys; delete it in smaller ranges");
    assertThat(unknownLease.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_FOUND);
    assertThat(unknownLease.getError().getMessage()).isEqualTo("op 2 (put): lease 7 not found");
    assertThat(map.get("a".getBytes(UTF_8), STAMP).orElseThrow().value())
        .isEqualTo("1".getBytes(UTF_8));
    assertThat(map.state().revision()).isEqualTo(revision);
  }

  @Test
  void malformedTransactionsAreRefusedWithAMessageNamingTheProblem() {
    apply(put("a", "1"));
    TxnRequest.Builder tooMany = TxnRequest.newBuilder();
    for (int i = 0; i < 65; i++) {
      tooMany.addSuccess(putOp("k" + i, "v")).addFailure(getOp("k" + i));
    }
    assertRefused(tooMany,
        "a transaction may hold at most 128 ops; this one has 130");
    assertRefused(TxnRequest.newBuilder().addSuccess(putOp("a", "2")).addSuccess(putOp("a", "3")),
        "success op 2 (put) writes key 'a', which success op 1 (put) writes too; a transaction"
            + " writes each key at most once");
    assertRefused(TxnRequest.newBuilder().addFailure(putOp("p/x", "2"))
        .addFailure(TxnOp.newBuilder().setDeleteRange(prefix("p/"))),
        "failure op 2 (delete_range) writes ['p/', 'p0'), which failure op 1 (put) writes too;"
            + " a transaction writes each key at most once");
    assertRefused(TxnRequest.newBuilder().addSuccess(TxnOp.newBuilder()
        .setDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("m"))
            .setRangeEnd(ByteString.copyFrom(new byte[] {0}))))
        .addSuccess(TxnOp.newBuilder().setDeleteRange(prefix("p/"))),
        "success op 2 (delete_range) writes ['p/', 'p0'), which success op 1 (delete_range)"
            + " writes too; a transaction writes each key at most once");
    assertRefused(TxnRequest.newBuilder().addSuccess(TxnOp.getDefaultInstance()),
        "success op 1 (none): no op kind: give put, delete, delete_range, get or range");
    assertRefused(TxnRequest.newBuilder().addSuccess(TxnOp.newBuilder()
        .setDelete(DeleteRequest.newBuilder().setKey(bytes("a"))
            .setCondition(Condition.newBuilder().setVersion(1)))),
        "success op 1 (delete): a delete in a transaction takes no condition; use a compare");
    assertRefused(TxnRequest.newBuilder().addSuccess(TxnOp.newBuilder()
        .setRange(RangeRequest.newBuilder().setKey(bytes("b")).setRangeEnd(bytes("a")))),
        "success op 1 (range): range_end must come after key (or be empty for key alone, or \\0"
            + " for every key from key on)");
    assertRefused(TxnRequest.newBuilder().addCompares(compare("a", CompareOp.COMPARE_OP_LESS)
        .setExists(true)), "compare 1: exists compares with = or != only");
    assertRefused(TxnRequest.newBuilder().addCompares(compare("a", CompareOp.COMPARE_OP_LESS)),
        "compare 1: no target: compare version, create_revision, value, lease or exists");
    // two branches may write the same key: only one of them applies
    assertThat(apply(txn(TxnRequest.newBuilder().addSuccess(putOp("a", "2"))
        .addFailure(putOp("a", "3")))).hasError()).isFalse();
  }

  @Test
  void keysOneTransactionWroteWithOneTtlExpireInKeyOrder() {
    TxnRequest.Builder txn = TxnRequest.newBuilder();
    for (String key : List.of("d", "b", "a", "c")) {
      txn.addSuccess(TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes(key))
          .setValue(bytes("v")).setTtlMillis(1000)));
    }
    apply(txn(txn));
    map.checkInvariants();

    // past the TTL each command removes what is due, in one order on every replica: by key
    assertThat(map.expire(2, STAMP + 2000)).isEqualTo(2);
    assertThat(map.get("a".getBytes(UTF_8), STAMP).isPresent()).isFalse();
    assertThat(map.get("b".getBytes(UTF_8), STAMP).isPresent()).isFalse();
    assertThat(map.get("c".getBytes(UTF_8), STAMP).isPresent()).isTrue();
    map.checkInvariants();
  }

  private void assertRefused(TxnRequest.Builder txn, String message) {
    long revision = map.state().revision();
    CommandResult result = apply(txn(txn));
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(result.getError().getMessage()).isEqualTo(message);
    assertThat(map.state().revision()).isEqualTo(revision);
  }

  private boolean holds(Compare.Builder compare) {
    return apply(txn(TxnRequest.newBuilder().addCompares(compare))).getTxn().getSucceeded();
  }

  private static Command txn(TxnRequest.Builder txn) {
    return Command.newBuilder().setTxn(txn).build();
  }

  private static Compare.Builder compare(String key, CompareOp op) {
    return Compare.newBuilder().setKey(bytes(key)).setOp(op);
  }

  private static TxnOp putOp(String key, String value) {
    return TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes(key))
        .setValue(bytes(value))).build();
  }

  private static TxnOp getOp(String key) {
    return TxnOp.newBuilder().setGet(GetRequest.newBuilder().setKey(bytes(key))).build();
  }

  // ---- leases ----

  @Test
  void aTransactionPutAttachesItsLeaseAndCompareSeesIt() {
    long lease = apply(grant(10, 0)).getLeaseGrant().getId();

    CommandResult attached = apply(txn(TxnRequest.newBuilder()
        .addCompares(compare("k", CompareOp.COMPARE_OP_EQUAL).setLease(0))
        .addSuccess(TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes("k"))
            .setValue(bytes("v")).setLease(lease)))
        .addSuccess(getOp("k"))));
    boolean leaseSeen = holds(compare("k", CompareOp.COMPARE_OP_EQUAL).setLease(lease));
    CommandResult revoked = apply(Command.newBuilder().setLeaseRevoke(
        LeaseRevokeRequest.newBuilder().setId(lease)).build());

    assertThat(attached.getTxn().getSucceeded()).isTrue();
    assertThat(attached.getTxn().getResults(1).getGet().getKv().getLease()).isEqualTo(lease);
    assertThat(leaseSeen).isTrue();
    assertThat(revoked.getLeaseRevoke().getDeleted()).isEqualTo(1);
    assertThat(map.size()).isZero();
  }

  @Test
  void aGrantAnswersTheLeaseWithItsExpiryFromTheStamp() {
    CommandResult result = apply(grant(10, 0));

    assertThat(result.hasError()).isFalse();
    assertThat(result.getLeaseGrant()).isEqualTo(LeaseGrantResponse.newBuilder()
        .setId(1).setTtlSeconds(10).setExpireAtMillis(STAMP + 10_000).build());
  }

  @Test
  void aGrantOutOfRangeOrOfAnIdInUseIsRefusedWithItsCode() {
    apply(grant(10, 5));

    assertThat(apply(grant(4, 0)).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(apply(grant(Long.MAX_VALUE, 0)).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assertThat(apply(grant(10, 5)).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_ALREADY_EXISTS);
    assertThat(store.leases().size()).isOne();
  }

  @Test
  void aPutWithAnUnknownLeaseIsRefusedAndChangesNothing() {
    CommandResult result = apply(Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(bytes("k")).setValue(bytes("v")).setLease(42)).build());

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_FOUND);
    assertThat(result.getError().getMessage()).isEqualTo("lease 42 not found");
    assertThat(map.size()).isZero();
    assertThat(map.state().revision()).isZero();
  }

  @Test
  void aPutWithALeaseAttachesTheKeyWithNoTtlOfItsOwnAndAPutWithoutOneDetachesIt() {
    apply(Command.newBuilder().setConfigure(ConfigureCommand.newBuilder()
        .setDefaultTtlMillis(60_000)).build());
    apply(grant(10, 7));

    apply(putWithLease("k", "1", 7));
    assertThat(store.leaseOf(bytes("k").toByteArray())).isEqualTo(7);
    assertThat(map.get(bytes("k").toByteArray(), STAMP).orElseThrow().expireAtMillis()).isZero();

    CommandResult overwrite = apply(Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(bytes("k")).setValue(bytes("2")).setPrevKv(true)).build());
    assertThat(overwrite.getPut().getPrevKv().getLease()).isEqualTo(7);
    assertThat(store.leaseOf(bytes("k").toByteArray())).isZero();
    assertThat(store.leases().keys(7)).isEmpty();
  }

  @Test
  void aRevokeDeletesTheLeasesKeysAtOneRevision() {
    apply(grant(10, 7));
    apply(putWithLease("a", "1", 7));
    apply(putWithLease("b", "2", 7));
    apply(put("c", "3"));

    CommandResult result = apply(Command.newBuilder()
        .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setId(7)).build());

    assertThat(result.getLeaseRevoke()).isEqualTo(
        LeaseRevokeResponse.newBuilder().setDeleted(2).setRevision(4).build());
    assertThat(map.size()).isOne();
    assertThat(map.state().revision()).isEqualTo(4);
    assertThat(store.leases().size()).isZero();
    assertThat(apply(Command.newBuilder()
        .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setId(7)).build()).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_NOT_FOUND);
  }

  @Test
  void aKeepAliveRenewsFromTheStampAndNamesUnknownLeasesWithoutExpiry() {
    apply(grant(10, 7));

    CommandResult result = applyAt(STAMP + 4_000, keepAlive(7, 99, 7));

    assertThat(result.getLeaseKeepAlive().getRenewedList()).containsExactly(
        LeaseKeepAliveResponse.newBuilder().setId(7).setTtlSeconds(10)
            .setExpireAtMillis(STAMP + 14_000).build(),
        LeaseKeepAliveResponse.newBuilder().setId(99).build(),
        LeaseKeepAliveResponse.newBuilder().setId(7).setTtlSeconds(10)
            .setExpireAtMillis(STAMP + 14_000).build());
  }

  @Test
  void aKeepAliveStampedBehindTheLastNeverShortensALease() {
    apply(grant(10, 7));
    applyAt(STAMP + 8_000, keepAlive(7));

    // a new leader whose clock is 6 s behind renews it
    CommandResult result = applyAt(STAMP + 2_000, keepAlive(7));

    assertThat(result.getLeaseKeepAlive().getRenewed(0).getExpireAtMillis())
        .isEqualTo(STAMP + 18_000);
    assertThat(store.leases().lease(7).orElseThrow().expireAtMillis()).isEqualTo(STAMP + 18_000);
  }

  @Test
  void anExpiryRevokesOnlyLeasesStillExpiredAtItsStampAndDeletesTheirKeysAtOneRevision() {
    apply(grant(10, 7));
    apply(grant(10, 8));
    apply(putWithLease("a", "1", 7));
    apply(putWithLease("b", "2", 7));
    apply(putWithLease("c", "3", 8));
    // 8 was renewed after the leader saw both expired
    applyAt(STAMP + 9_000, keepAlive(8));

    CommandResult result = applyAt(STAMP + 10_000, Command.newBuilder()
        .setLeaseExpire(LeaseExpireCommand.newBuilder().addIds(7).addIds(8)).build());

    assertThat(result.getLeaseExpire().getRevoked()).isOne();
    assertThat(result.getLeaseExpire().getDeleted()).isEqualTo(2);
    assertThat(map.state().revision()).isEqualTo(4);
    assertThat(store.leases().list()).extracting(lease -> lease.id()).containsExactly(8L);
    assertThat(map.get(bytes("c").toByteArray(), STAMP + 10_000)).isPresent();
  }

  @Test
  void deletingOrExpiringAKeyDetachesItFromItsLease() {
    apply(grant(10, 7));
    apply(putWithLease("a", "1", 7));
    apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes("b"))
        .setValue(bytes("2")).setLease(7).setTtlMillis(1_000)).build());
    apply(Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(bytes("a"))).build());

    applyAt(STAMP + 2_000, Command.newBuilder()
        .setExpire(ExpireCommand.newBuilder().setMaxEntries(10)).build());

    assertThat(store.leases().keys(7)).isEmpty();
    store.checkInvariants();
  }

  private static Command grant(long ttlSeconds, long id) {
    return Command.newBuilder().setLeaseGrant(
        LeaseGrantRequest.newBuilder().setTtlSeconds(ttlSeconds).setId(id)).build();
  }

  private static Command keepAlive(long... ids) {
    LeaseKeepAliveCommand.Builder command = LeaseKeepAliveCommand.newBuilder();
    for (long id : ids) {
      command.addIds(id);
    }
    return Command.newBuilder().setLeaseKeepAlive(command).build();
  }

  private static Command putWithLease(String key, String value, long lease) {
    return Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(bytes(key)).setValue(bytes(value)).setLease(lease)).build();
  }

  private CommandResult apply(Command command) {
    return applyAt(STAMP, command);
  }

  private CommandResult applyTo(LeasedMap other, Command command) {
    return CommandApplier.apply(other, new MemberDirectory(), CommandBatch.newBuilder()
        .setLeaderTimeMillis(STAMP).addCommands(command).build()).getResults(0);
  }

  private CommandResult applyAt(long stamp, Command command) {
    return CommandApplier.apply(store, members, CommandBatch.newBuilder()
        .setLeaderTimeMillis(stamp).addCommands(command).build()).getResults(0);
  }

  private static Command put(String key, String value) {
    return Command.newBuilder()
        .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
        .build();
  }

  private static Command configure(ConfigureCommand.Builder changes) {
    return ConfigureCommands.of(changes.build());
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
