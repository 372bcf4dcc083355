package io.pensieve.statemachine;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.pensieve.internal.v1.AdvertiseResult;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.CommandBatchResult;
import io.pensieve.internal.v1.CommandError;
import io.pensieve.internal.v1.CommandResult;
import io.pensieve.internal.v1.ExpireResult;
import io.pensieve.internal.v1.TouchResult;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareAndSetResponse;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.ConfigureResult;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.store.ConfigureOutcome;
import io.pensieve.store.DeleteRangeOutcome;
import io.pensieve.store.Entry;
import io.pensieve.store.Expectation;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.LruTtlMap;
import io.pensieve.store.RangeResult;
import io.pensieve.store.Refused;
import io.pensieve.store.Settings;
import io.pensieve.store.SettingsUpdate;
import io.pensieve.store.WriteOutcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Applies a log entry's commands to the map, in order, with the entry's leader time stamp, and
 * gives each its own result. Deterministic like the map: the result depends only on the
 * commands and the map's state, so every replica computes the same one.
 */
public final class CommandApplier {
  private CommandApplier() {}

  public static CommandBatchResult apply(
      LeasedMap store, MemberDirectory members, CommandBatch batch) {
    long stampMillis = batch.getLeaderTimeMillis();
    CommandBatchResult.Builder results = CommandBatchResult.newBuilder();
    for (Command command : batch.getCommandsList()) {
      results.addResults(apply(store, members, command, stampMillis));
    }
    return results.build();
  }

  static CommandResult apply(
      LeasedMap store, MemberDirectory members, Command command, long stampMillis) {
    LruTtlMap map = store.map();
    return switch (command.getKindCase()) {
      case PUT -> put(store, command.getPut(), stampMillis);
      case DELETE -> delete(store, command.getDelete(), stampMillis);
      case DELETE_RANGE -> deleteRange(store, command.getDeleteRange(), stampMillis);
      case COMPARE_AND_SET -> compareAndSet(store, command.getCompareAndSet(), stampMillis);
      case TOUCH -> touch(map, command.getTouch().getKeysList(), stampMillis);
      case EXPIRE -> CommandResult.newBuilder()
          .setExpire(ExpireResult.newBuilder()
              .setExpired(map.expire(command.getExpire().getMaxEntries(), stampMillis)))
          .build();
      case CONFIGURE, CONFIGURE_REQUEST_BOUNDS ->
          configure(map, ConfigureCommands.changesOf(command), stampMillis);
      case TXN -> TxnApplier.apply(store, command.getTxn(), stampMillis);
      case ADVERTISE -> CommandResult.newBuilder()
          .setAdvertise(AdvertiseResult.newBuilder()
              .setChanged(members.advertise(command.getAdvertise())))
          .build();
      case LEASE_GRANT -> LeaseCommands.grant(store, command.getLeaseGrant(), stampMillis);
      case LEASE_REVOKE -> LeaseCommands.revoke(store, command.getLeaseRevoke(), stampMillis);
      case LEASE_KEEP_ALIVE ->
          LeaseCommands.keepAlive(store, command.getLeaseKeepAlive(), stampMillis);
      case LEASE_EXPIRE -> LeaseCommands.expire(store, command.getLeaseExpire(), stampMillis);
      case KIND_NOT_SET -> invalid("command has no operation");
    };
  }

  private static CommandResult put(LeasedMap store, PutRequest put, long stampMillis) {
    byte[] key = put.getKey().toByteArray();
    long previousLease = store.leaseOf(key);
    WriteOutcome outcome = store.put(key, put.getValue().toByteArray(),
        ttl(put.hasTtlMillis(), put.getTtlMillis()), put.getLease(), put.getPrevKv(),
        stampMillis);
    if (outcome instanceof WriteOutcome.Stored stored) {
      return CommandResult.newBuilder().setPut(putResponse(stored, previousLease)).build();
    }
    return refused((Refused) outcome);
  }

  private static CommandResult compareAndSet(
      LeasedMap store, CompareAndSetRequest cas, long stampMillis) {
    Optional<Expectation> expected = expectation(cas.getCondition());
    if (expected.isEmpty()) {
      return invalid("compare-and-set needs a condition: version, value or absent");
    }
    byte[] key = cas.getKey().toByteArray();
    long lease = store.leaseOf(key);
    WriteOutcome outcome = store.compareAndSet(key, expected.get(),
        cas.getValue().toByteArray(), ttl(cas.hasTtlMillis(), cas.getTtlMillis()),
        cas.getPrevKv(), stampMillis);
    CompareAndSetResponse.Builder response = CompareAndSetResponse.newBuilder();
    if (outcome instanceof WriteOutcome.Stored stored) {
      response.setSucceeded(true)
          .setVersion(stored.version())
          .setCreateRevision(stored.createRevision());
      stored.previous().ifPresent(previous -> response.setKv(keyValue(previous, lease)));
    } else if (outcome instanceof WriteOutcome.CompareFailed failed) {
      failed.current().ifPresent(current -> response.setKv(keyValue(current, lease)));
    } else {
      return refused((Refused) outcome);
    }
    return CommandResult.newBuilder().setCompareAndSet(response).build();
  }

  private static CommandResult delete(LeasedMap store, DeleteRequest delete, long stampMillis) {
    Optional<Expectation> expected = Optional.empty();
    if (delete.hasCondition()) {
      expected = expectation(delete.getCondition());
      if (expected.isEmpty()) {
        return invalid("a delete condition needs a version, a value or absent");
      }
    }
    byte[] key = delete.getKey().toByteArray();
    long lease = store.leaseOf(key);
    WriteOutcome outcome = store.map().delete(key, expected, delete.getPrevKv(), stampMillis);
    DeleteResponse.Builder response = DeleteResponse.newBuilder();
    if (outcome instanceof WriteOutcome.Deleted deleted) {
      response.setDeleted(true).setRevision(deleted.revision());
      deleted.previous().ifPresent(previous -> response.setPrevKv(keyValue(previous, lease)));
    } else if (outcome instanceof WriteOutcome.CompareFailed failed) {
      response.setCompareFailed(true);
      failed.current().ifPresent(current -> response.setPrevKv(keyValue(current, lease)));
    } else if (outcome instanceof Refused refused) {
      return refused(refused);
    }
    return CommandResult.newBuilder().setDelete(response).build();
  }

  /**
   * At most the cluster's {@code max_delete_range_keys} live keys go in one command. With
   * prev_kv, the deleted entries go back in one reply, so they must fit in one range reply: if a
   * range read of them at this apply's clock would stop before their end (more than the
   * cluster's {@code max_range_entries} entries or {@code max_range_bytes} of keys and values),
   * the command is refused before anything is deleted. Both read only replicated state (the
   * settings) and the stamp, so every replica decides the same.
   */
  private static CommandResult deleteRange(
      LeasedMap store, DeleteRangeRequest request, long stampMillis) {
    LruTtlMap map = store.map();
    byte[] key = request.getKey().toByteArray();
    byte[] rangeEnd = request.getRangeEnd().toByteArray();
    Settings settings = map.settings();
    Map<ByteString, Long> leases = Map.of();
    if (request.getPrevKv()) {
      // one read of the range, at the clock deleteRange will use (the map's never goes back),
      // both checks that the entries fit one reply and keeps their leases, which the delete
      // detaches
      RangeResult page = map.range(key, rangeEnd, settings.maxRangeEntries(),
          settings.maxRangeBytes(), Math.max(map.state().clockMillis(), stampMillis));
      if (page.more()) {
        return invalid(prevKvsTooLargeMessage(settings));
      }
      leases = leasesOf(store, page.entries());
    }
    DeleteRangeOutcome outcome = map.deleteRange(
        key, rangeEnd, settings.maxDeleteRangeKeys(), request.getPrevKv(), stampMillis);
    if (outcome instanceof DeleteRangeOutcome.RangeDeleted deleted) {
      DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder()
          .setDeleted(deleted.deleted())
          .setRevision(deleted.revision());
      Map<ByteString, Long> previousLeases = leases;
      deleted.previous().forEach(previous -> response.addPrevKvs(keyValue(previous,
          previousLeases.getOrDefault(ByteString.copyFrom(previous.key()), 0L))));
      return CommandResult.newBuilder().setDeleteRange(response).build();
    }
    return refused((Refused) outcome);
  }

  /**
   * The leases of the keys in {@code [key, rangeEnd)} that have one, for a delete-range's
   * prev_kvs, read before the delete detaches them; the range fits one reply (checked first).
   */
  static Map<ByteString, Long> leasesInRange(LeasedMap store, byte[] key, byte[] rangeEnd,
      long clockMillis) {
    Settings settings = store.map().settings();
    return leasesOf(store, store.map().range(key, rangeEnd, settings.maxRangeEntries(),
        settings.maxRangeBytes(), clockMillis).entries());
  }

  private static Map<ByteString, Long> leasesOf(LeasedMap store, List<Entry> entries) {
    Map<ByteString, Long> leases = new HashMap<>();
    for (Entry entry : entries) {
      long lease = store.leaseOf(entry.key());
      if (lease != 0) {
        leases.put(ByteString.copyFrom(entry.key()), lease);
      }
    }
    return leases;
  }

  /** Why a delete-range's prev_kvs would not fit in one range reply; empty if they would. */
  static Optional<String> prevKvsTooLarge(LruTtlMap map, byte[] key, byte[] rangeEnd,
      long clockMillis) {
    Settings settings = map.settings();
    if (map.range(key, rangeEnd, settings.maxRangeEntries(), settings.maxRangeBytes(),
        clockMillis).more()) {
      return Optional.of(prevKvsTooLargeMessage(settings));
    }
    return Optional.empty();
  }

  private static String prevKvsTooLargeMessage(Settings settings) {
    return "with prev_kv a delete-range returns its entries in one reply, at most"
        + " max_range_entries " + settings.maxRangeEntries() + " entries and max_range_bytes "
        + settings.maxRangeBytes() + " bytes of keys and values; delete in smaller ranges or"
        + " without prev_kv";
  }

  private static CommandResult touch(LruTtlMap map, List<ByteString> keys, long stampMillis) {
    int touched = map.touch(keys.stream().map(ByteString::toByteArray).toList(), stampMillis);
    return CommandResult.newBuilder()
        .setTouch(TouchResult.newBuilder().setTouched(touched))
        .build();
  }

  private static CommandResult configure(
      LruTtlMap map, ConfigureCommand configure, long stampMillis) {
    SettingsUpdate update;
    try {
      update = SettingsMapping.fromProto(configure);
    } catch (IllegalArgumentException e) {
      return invalid(e.getMessage());
    }
    ConfigureOutcome outcome = map.configure(update, configure.getOnlyIfUnconfigured(), stampMillis);
    if (outcome instanceof ConfigureOutcome.Configured configured) {
      return CommandResult.newBuilder()
          .setConfigure(ConfigureResult.newBuilder()
              .setChanged(configured.changed())
              .setSettings(SettingsMapping.toProtoInForce(configured.settings()))
              .setEvicted(configured.evicted()))
          .build();
    }
    return refused((Refused) outcome);
  }

  private static Optional<Expectation> expectation(Condition condition) {
    return switch (condition.getExpectedCase()) {
      case VERSION -> Optional.of(Expectation.version(condition.getVersion()));
      case VALUE -> Optional.of(Expectation.value(condition.getValue().toByteArray()));
      case ABSENT -> condition.getAbsent() ? Optional.of(Expectation.absent()) : Optional.empty();
      case EXPECTED_NOT_SET -> Optional.empty();
    };
  }

  private static OptionalLong ttl(boolean present, long ttlMillis) {
    return present ? OptionalLong.of(ttlMillis) : OptionalLong.empty();
  }

  static PutResponse putResponse(WriteOutcome.Stored stored, long previousLease) {
    PutResponse.Builder response = PutResponse.newBuilder()
        .setVersion(stored.version())
        .setCreateRevision(stored.createRevision());
    stored.previous().ifPresent(
        previous -> response.setPrevKv(keyValue(previous, previousLease)));
    return response.build();
  }

  /**
   * The entry's arrays are copies the map handed over, so they are wrapped, not copied.
   *
   * @param lease the lease the key is attached to, 0 for none
   */
  public static KeyValue keyValue(Entry entry, long lease) {
    return KeyValue.newBuilder()
        .setKey(UnsafeByteOperations.unsafeWrap(entry.key()))
        .setValue(UnsafeByteOperations.unsafeWrap(entry.value()))
        .setVersion(entry.version())
        .setCreateRevision(entry.createRevision())
        .setExpireAtMillis(entry.expireAtMillis())
        .setLease(lease)
        .build();
  }

  static CommandResult refused(Refused refused) {
    ErrorCode code = switch (refused.reason()) {
      case INVALID_ARGUMENT -> ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
      case KEY_TOO_LARGE -> ErrorCode.ERROR_CODE_KEY_TOO_LARGE;
      case VALUE_TOO_LARGE -> ErrorCode.ERROR_CODE_VALUE_TOO_LARGE;
      case NO_SPACE -> ErrorCode.ERROR_CODE_NO_SPACE;
      case LEASE_NOT_FOUND -> ErrorCode.ERROR_CODE_NOT_FOUND;
    };
    return error(code, refused.message());
  }

  static CommandResult invalid(String message) {
    return error(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
  }

  static CommandResult error(ErrorCode code, String message) {
    return CommandResult.newBuilder()
        .setError(CommandError.newBuilder().setCode(code).setMessage(message))
        .build();
  }
}
