package io.pensieve.store;

import static io.pensieve.store.LeaseTablePropertyTest.load;
import static io.pensieve.store.LeaseTablePropertyTest.snapshot;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LeaseTableTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long TTL = 10_000;

  private final LeaseTable table = new LeaseTable();

  // ---- grant ----

  @Test
  void grantWithoutAnIdAssignsTheNextOneAboveEveryIdEverGrantedAndNeverReusesOne() {
    assertThat(grantedId(table.grant(0, TTL, T0))).isEqualTo(1);
    assertThat(grantedId(table.grant(10, TTL, T0))).isEqualTo(10);
    assertThat(grantedId(table.grant(0, TTL, T0))).isEqualTo(11);
    table.revoke(11);
    table.revoke(10);

    assertThat(grantedId(table.grant(0, TTL, T0))).isEqualTo(12);
    assertThat(table.nextId()).isEqualTo(13);
  }

  @Test
  void grantSetsExpireAtToTheStampPlusTheTtl() {
    GrantOutcome outcome = table.grant(7, TTL, T0);

    assertThat(outcome).isEqualTo(new GrantOutcome.Granted(new Lease(7, TTL, T0 + TTL, 0)));
    assertThat(table.lease(7)).contains(new Lease(7, TTL, T0 + TTL, 0));
  }

  @Test
  void grantRefusesAnIdThatExistsAndChangesNothing() throws IOException {
    table.grant(5, TTL, T0);
    byte[] before = snapshot(table);

    GrantOutcome outcome = table.grant(5, 2 * TTL, T0 + 1);

    assertRefused(outcome, LeaseRefusal.LEASE_EXISTS, "lease 5 exists");
    assertThat(snapshot(table)).isEqualTo(before);
  }

  @Test
  void aRevokedIdMayBeGrantedAgainByTheClientThatNamesIt() {
    table.grant(5, TTL, T0);
    table.revoke(5);

    assertThat(grantedId(table.grant(5, TTL, T0))).isEqualTo(5);
  }

  @Test
  void grantRefusesANegativeIdAndOneAboveTheClientCeiling() throws IOException {
    byte[] before = snapshot(table);

    assertRefused(table.grant(-1, TTL, T0), LeaseRefusal.INVALID_ID, "got -1");
    assertRefused(table.grant(LeaseTable.MAX_CLIENT_ID + 1, TTL, T0), LeaseRefusal.INVALID_ID,
        "between 1 and " + LeaseTable.MAX_CLIENT_ID);
    assertThat(snapshot(table)).isEqualTo(before);
  }

  @Test
  void theLargestClientIdStillLeavesIdsToAssign() {
    table.grant(LeaseTable.MAX_CLIENT_ID, TTL, T0);

    assertThat(grantedId(table.grant(0, TTL, T0))).isEqualTo(LeaseTable.MAX_CLIENT_ID + 1);
    table.checkInvariants();
  }

  @Test
  void grantRefusesATtlBelowTheMinimumOrAboveTheMaximumAndAcceptsBoth() throws IOException {
    byte[] before = snapshot(table);

    assertRefused(table.grant(0, LeaseTable.MIN_TTL_MILLIS - 1, T0),
        LeaseRefusal.TTL_OUT_OF_RANGE, "between 5 and 3153600000 seconds, got 4999 ms");
    assertRefused(table.grant(0, 0, T0), LeaseRefusal.TTL_OUT_OF_RANGE, "got 0 ms");
    assertRefused(table.grant(0, LeaseTable.MAX_TTL_MILLIS + 1, T0),
        LeaseRefusal.TTL_OUT_OF_RANGE, "lease TTL must be between");
    assertThat(snapshot(table)).isEqualTo(before);

    assertThat(table.grant(0, LeaseTable.MIN_TTL_MILLIS, T0))
        .isInstanceOf(GrantOutcome.Granted.class);
    assertThat(table.grant(0, LeaseTable.MAX_TTL_MILLIS, T0))
        .isInstanceOf(GrantOutcome.Granted.class);
  }

  @Test
  void grantRefusesPastTheLeaseLimitUntilOneIsRevoked() throws IOException {
    LeaseTable small = new LeaseTable(2);
    small.grant(0, TTL, T0);
    small.grant(0, TTL, T0);
    byte[] before = snapshot(small);

    assertRefused(small.grant(0, TTL, T0), LeaseRefusal.TOO_MANY_LEASES, "2 leases");
    assertThat(snapshot(small)).isEqualTo(before);

    small.revoke(1);
    assertThat(grantedId(small.grant(0, TTL, T0))).isEqualTo(3);
  }

  @Test
  void aNegativeStampIsTheCallersBug() {
    assertThatThrownBy(() -> table.grant(0, TTL, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- keep-alive ----

  @Test
  void keepAliveUnderALeaderWhoseClockIsBehindNeverShortensALease() {
    table.grant(1, TTL, T0);

    KeepAliveOutcome outcome = table.keepAlive(List.of(1L), T0 - 3_000);

    assertThat(outcome.renewed()).containsExactly(new Lease(1, TTL, T0 + TTL, 0));
    assertThat(table.lease(1).orElseThrow().expireAtMillis()).isEqualTo(T0 + TTL);
  }

  @Test
  void keepAliveExtendsALeaseToTheStampPlusItsTtl() {
    table.grant(1, TTL, T0);

    table.keepAlive(List.of(1L), T0 + 4_000);

    assertThat(table.lease(1).orElseThrow().expireAtMillis()).isEqualTo(T0 + 4_000 + TTL);
    assertThat(table.expired(T0 + TTL, 10)).isEmpty();
  }

  @Test
  void keepAliveReportsUnknownAndRevokedIdsAndChangesNothingElse() throws IOException {
    table.grant(1, TTL, T0);
    table.grant(2, TTL, T0);
    table.revoke(2);
    table.keepAlive(List.of(1L), T0 + 1_000);
    byte[] before = snapshot(table);

    KeepAliveOutcome outcome = table.keepAlive(List.of(9L, 2L, 9L), T0 + 2_000);

    assertThat(outcome.renewed()).isEmpty();
    assertThat(outcome.notFound()).containsExactly(2L, 9L);
    assertThat(snapshot(table)).isEqualTo(before);
  }

  @Test
  void keepAliveAnswersEachLeaseOnceByIdWhateverTheOrderAndRepeatsOfTheIds() {
    table.grant(1, TTL, T0);
    table.grant(2, 2 * TTL, T0);

    KeepAliveOutcome outcome = table.keepAlive(List.of(2L, 1L, 2L, 3L), T0 + 1_000);

    assertThat(outcome.renewed()).extracting(Lease::id).containsExactly(1L, 2L);
    assertThat(outcome.renewed().get(1).expireAtMillis()).isEqualTo(T0 + 1_000 + 2 * TTL);
    assertThat(outcome.notFound()).containsExactly(3L);
  }

  // ---- expiry and revocation ----

  @Test
  void expiredNamesLeasesAtOrPastTheirExpireAtSoonestFirstThenByIdAtMostMax() {
    table.grant(3, TTL, T0);
    table.grant(1, TTL, T0 + 1_000);
    table.grant(2, TTL, T0);
    table.grant(4, TTL, T0 + 2_000);

    assertThat(table.expired(T0 + TTL - 1, 10)).isEmpty();
    assertThat(table.expired(T0 + TTL, 10)).containsExactly(2L, 3L);
    assertThat(table.expired(T0 + TTL + 1_000, 10)).containsExactly(2L, 3L, 1L);
    assertThat(table.expired(T0 + TTL + 1_000, 2)).containsExactly(2L, 3L);
    assertThat(table.expired(T0 + TTL + 1_000, 0)).isEmpty();
  }

  @Test
  void revokeExpiredRevokesOnlyLeasesStillExpiredAtTheCommandsStamp() {
    table.grant(1, TTL, T0);
    table.grant(2, TTL, T0);
    attach("k1", 1);
    List<Long> proposed = table.expired(T0 + TTL, 10);
    // a keep-alive for lease 2 is applied between the proposal and its apply
    table.keepAlive(List.of(2L), T0 + TTL);

    List<RevokeOutcome.Revoked> revoked = table.revokeExpired(proposed, T0 + TTL + 100);

    assertThat(proposed).containsExactly(1L, 2L);
    assertThat(revoked).extracting(r -> r.lease().id()).containsExactly(1L);
    assertThat(revoked.get(0).keys()).extracting(k -> new String(k, UTF_8)).containsExactly("k1");
    assertThat(table.lease(2)).isPresent();
    assertThat(table.revokeExpired(proposed, T0 + TTL + 200)).isEmpty();
  }

  @Test
  void revokeReturnsTheAttachedKeysInUnsignedByteOrderAndDetachesThem() {
    table.grant(1, TTL, T0);
    byte[][] keys = {{(byte) 0x80}, {'b'}, {'a', 'b'}, {0x7f}, {'a'}, {}};
    for (byte[] key : keys) {
      table.attach(key, 1);
    }

    RevokeOutcome outcome = table.revoke(1);

    assertThat(outcome).isInstanceOf(RevokeOutcome.Revoked.class);
    RevokeOutcome.Revoked revoked = (RevokeOutcome.Revoked) outcome;
    assertThat(revoked.lease()).isEqualTo(new Lease(1, TTL, T0 + TTL, 6));
    assertThat(revoked.keys()).containsExactly(
        new byte[] {}, new byte[] {'a'}, new byte[] {'a', 'b'}, new byte[] {'b'},
        new byte[] {0x7f}, new byte[] {(byte) 0x80});
    assertThat(table.leaseOf(new byte[] {'a'})).isEmpty();
    assertThat(table.attachedKeys()).isZero();
    table.checkInvariants();
  }

  @Test
  void revokeOfAnUnknownOrRevokedIdIsNotFound() {
    table.grant(1, TTL, T0);
    table.revoke(1);

    assertThat(table.revoke(1)).isEqualTo(new LeaseNotFound(1));
    assertThat(table.revoke(42)).isEqualTo(new LeaseNotFound(42));
  }

  // ---- attached keys ----

  @Test
  void attachMovesAKeyFromItsPreviousLeaseSoItBelongsToOneAtMost() {
    table.grant(1, TTL, T0);
    table.grant(2, TTL, T0);
    assertThat(attach("k", 1)).isEqualTo(new AttachOutcome.Attached(OptionalLong.empty()));

    assertThat(attach("k", 2)).isEqualTo(new AttachOutcome.Attached(OptionalLong.of(1)));
    assertThat(attach("k", 2)).isEqualTo(new AttachOutcome.Attached(OptionalLong.empty()));

    assertThat(table.leaseOf(bytes("k"))).hasValue(2);
    assertThat(table.keys(1)).isEmpty();
    assertThat(table.keys(2)).containsExactly(bytes("k"));
    table.checkInvariants();
  }

  @Test
  void attachToAnUnknownLeaseIsNotFoundAndChangesNothing() throws IOException {
    table.grant(1, TTL, T0);
    attach("k", 1);
    byte[] before = snapshot(table);

    assertThat(attach("k", 9)).isEqualTo(new LeaseNotFound(9));
    assertThat(snapshot(table)).isEqualTo(before);
  }

  @Test
  void attachKeepsACopySoTheCallerMayReuseItsArray() {
    table.grant(1, TTL, T0);
    byte[] key = bytes("k");
    table.attach(key, 1);

    key[0] = 'z';

    assertThat(table.leaseOf(bytes("k"))).hasValue(1);
    assertThat(table.leaseOf(key)).isEmpty();
  }

  @Test
  void detachLeavesAKeyAttachedToAnotherLeaseAlone() {
    table.grant(1, TTL, T0);
    table.grant(2, TTL, T0);
    attach("k", 2);

    assertThat(table.detach(bytes("k"), 1)).isFalse();
    assertThat(table.detach(bytes("none"), 2)).isFalse();
    assertThat(table.leaseOf(bytes("k"))).hasValue(2);

    assertThat(table.detach(bytes("k"), 2)).isTrue();
    assertThat(table.leaseOf(bytes("k"))).isEmpty();
    assertThat(table.lease(2).orElseThrow().keyCount()).isZero();
    table.checkInvariants();
  }

  // ---- reads ----

  @Test
  void timeToLiveAnswersRemainingGrantedAndKeysAndNeverGoesNegative() {
    table.grant(1, TTL, T0);
    attach("b", 1);
    attach("a", 1);

    LeaseTimeToLive ttl = table.timeToLive(1, T0 + 4_000).orElseThrow();
    assertThat(ttl.remainingMillis()).isEqualTo(TTL - 4_000);
    assertThat(ttl.grantedTtlMillis()).isEqualTo(TTL);
    assertThat(ttl.keys()).containsExactly(bytes("a"), bytes("b"));

    assertThat(table.timeToLive(1, T0 + 2 * TTL).orElseThrow().remainingMillis()).isZero();
    assertThat(table.timeToLive(2, T0)).isEmpty();
  }

  @Test
  void listNamesEveryLeaseById() {
    table.grant(9, TTL, T0);
    table.grant(3, 2 * TTL, T0);
    table.grant(0, TTL, T0 + 1);

    assertThat(table.list()).extracting(Lease::id).containsExactly(3L, 9L, 10L);
  }

  // ---- snapshot ----

  @Test
  void aSnapshotRoundTripGivesAnEqualTableThatGoesOnAssigningTheSameIds() throws IOException {
    table.grant(4, TTL, T0);
    table.grant(0, 2 * TTL, T0 + 1);
    table.revoke(5);
    attach("x", 4);
    attach("y", 4);

    LeaseTable loaded = load(snapshot(table), LeaseTable.DEFAULT_MAX_LEASES);

    assertThat(LeaseTablePrograms.contents(loaded)).isEqualTo(LeaseTablePrograms.contents(table));
    assertThat(snapshot(loaded)).isEqualTo(snapshot(table));
    assertThat(grantedId(loaded.grant(0, TTL, T0))).isEqualTo(6);
  }

  @Test
  void aSnapshotThatIsNoValidTableIsRefused() throws IOException {
    byte[] twoLeases = write(out -> {
      out.writeInt(LeaseTable.SNAPSHOT_FORMAT);
      out.writeLong(3);
      out.writeInt(2);
      for (long id = 1; id <= 2; id++) {
        out.writeLong(id);
        out.writeLong(TTL);
        out.writeLong(T0 + TTL);
        out.writeInt(1);
        out.writeInt(1);
        out.write('k');
      }
    });
    byte[] idsOutOfOrder = write(out -> {
      out.writeInt(LeaseTable.SNAPSHOT_FORMAT);
      out.writeLong(3);
      out.writeInt(2);
      for (long id = 2; id >= 1; id--) {
        out.writeLong(id);
        out.writeLong(TTL);
        out.writeLong(T0 + TTL);
        out.writeInt(0);
      }
    });
    byte[] nextIdTooLow = write(out -> {
      out.writeInt(LeaseTable.SNAPSHOT_FORMAT);
      out.writeLong(2);
      out.writeInt(1);
      out.writeLong(2);
      out.writeLong(TTL);
      out.writeLong(T0 + TTL);
      out.writeInt(0);
    });

    assertThatThrownBy(() -> load(twoLeases, 10)).isInstanceOf(IOException.class)
        .hasMessageContaining("attached to two leases");
    assertThatThrownBy(() -> load(idsOutOfOrder, 10)).isInstanceOf(IOException.class)
        .hasMessageContaining("lease 1 follows lease 2");
    assertThatThrownBy(() -> load(nextIdTooLow, 10)).isInstanceOf(IOException.class)
        .hasMessageContaining("next id 2");
    byte[] hugeKey = write(out -> {
      out.writeInt(LeaseTable.SNAPSHOT_FORMAT);
      out.writeLong(2);
      out.writeInt(1);
      out.writeLong(1);
      out.writeLong(TTL);
      out.writeLong(T0 + TTL);
      out.writeInt(1);
      out.writeInt(Integer.MAX_VALUE);
    });
    assertThatThrownBy(() -> load(hugeKey, 10)).isInstanceOf(IOException.class)
        .hasMessageContaining("a key of " + Integer.MAX_VALUE + " bytes");
    assertThatThrownBy(() -> load(new byte[] {0, 0, 0, 9}, 10)).isInstanceOf(IOException.class)
        .hasMessageContaining("format 9");
  }

  @Test
  void aTableLoadedAboveALoweredLeaseLimitKeepsEveryLeaseAndGrantsNone() throws IOException {
    table.grant(0, TTL, T0);
    table.grant(0, TTL, T0);

    LeaseTable loaded = load(snapshot(table), 1);

    assertThat(loaded.size()).isEqualTo(2);
    assertRefused(loaded.grant(0, TTL, T0), LeaseRefusal.TOO_MANY_LEASES, "its limit");
  }

  // ---- helpers ----

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    }
    return bytes.toByteArray();
  }

  private AttachOutcome attach(String key, long id) {
    return table.attach(bytes(key), id);
  }

  private static byte[] bytes(String key) {
    return key.getBytes(UTF_8);
  }

  private static long grantedId(GrantOutcome outcome) {
    assertThat(outcome).isInstanceOf(GrantOutcome.Granted.class);
    return ((GrantOutcome.Granted) outcome).lease().id();
  }

  private static void assertRefused(GrantOutcome outcome, LeaseRefusal reason, String message) {
    assertThat(outcome).isInstanceOf(GrantOutcome.Refused.class);
    GrantOutcome.Refused refused = (GrantOutcome.Refused) outcome;
    assertThat(refused.reason()).isEqualTo(reason);
    assertThat(refused.message()).contains(message);
  }
}
