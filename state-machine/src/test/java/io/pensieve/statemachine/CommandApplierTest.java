package io.pensieve.statemachine;

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
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.EvictionPolicy;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseGrantResponse;
import io.pensieve.proto.v1.LeaseKeepAliveResponse;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseRevokeResponse;
import io.pensieve.proto.v1.PutRequest;
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

  // ---- leases ----

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

  private CommandResult applyAt(long stamp, Command command) {
    return CommandApplier.apply(store, members, CommandBatch.newBuilder()
        .setLeaderTimeMillis(stamp).addCommands(command).build()).getResults(0);
  }

  private static Command put(String key, String value) {
    return Command.newBuilder()
        .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
        .build();
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
