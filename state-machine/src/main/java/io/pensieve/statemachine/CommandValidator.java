package io.pensieve.statemachine;

import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.internal.v1.MemberAddresses;
import io.pensieve.store.LruTtlMap;
import java.util.Optional;

/**
 * Checks a log entry's shape on the leader before it enters the log: bounds that keep any one
 * entry's apply work small. Everything that depends on the map's state (key and value limits,
 * capacity, conditions) is decided at apply, where every replica sees the same state.
 */
public final class CommandValidator {
  /** Most commands in one log entry. */
  public static final int MAX_COMMANDS_PER_BATCH = 10_000;
  /** Most keys in one Touch command. */
  public static final int MAX_TOUCH_KEYS = 10_000;
  /** Most lease ids in one keep-alive or lease expiry command. */
  public static final int MAX_LEASE_IDS = 10_000;

  private CommandValidator() {}

  /** Why the batch may not enter the log, or empty when it may. */
  public static Optional<String> check(CommandBatch batch) {
    int count = batch.getCommandsCount();
    if (count == 0 || count > MAX_COMMANDS_PER_BATCH) {
      return Optional.of("a batch holds 1 to " + MAX_COMMANDS_PER_BATCH
          + " commands, got " + count);
    }
    for (int i = 0; i < count; i++) {
      Optional<String> problem = check(batch.getCommands(i));
      if (problem.isPresent()) {
        return Optional.of("command " + i + ": " + problem.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> check(Command command) {
    switch (command.getKindCase()) {
      case KIND_NOT_SET:
        return Optional.of("no operation set");
      case TOUCH:
        int keys = command.getTouch().getKeysCount();
        return keys > MAX_TOUCH_KEYS
            ? Optional.of("a touch holds at most " + MAX_TOUCH_KEYS + " keys, got " + keys)
            : Optional.empty();
      case EXPIRE:
        int max = command.getExpire().getMaxEntries();
        return max < 1 || max > LruTtlMap.EXPIRE_COMMAND_LIMIT
            ? Optional.of("expire max_entries must be between 1 and "
                + LruTtlMap.EXPIRE_COMMAND_LIMIT + ", got " + max)
            : Optional.empty();
      case CONFIGURE:
        return ConfigureCommands.checkConfigure(command.getConfigure());
      case ADVERTISE:
        return checkAddresses(command.getAdvertise());
      case LEASE_KEEP_ALIVE:
        return checkLeaseIds("keep-alive", command.getLeaseKeepAlive().getIdsCount());
      case LEASE_EXPIRE:
        return checkLeaseIds("lease expiry", command.getLeaseExpire().getIdsCount());
      default:
        return Optional.empty();
    }
  }

  private static Optional<String> checkLeaseIds(String what, int ids) {
    return ids > MAX_LEASE_IDS
        ? Optional.of("a " + what + " names at most " + MAX_LEASE_IDS + " leases, got " + ids)
        : Optional.empty();
  }

  private static Optional<String> checkAddresses(MemberAddresses addresses) {
    if (addresses.getMemberId().isEmpty()) {
      return Optional.of("an advertise needs a member id");
    }
    for (String field : new String[] {addresses.getMemberId(), addresses.getRestAddress(),
        addresses.getGrpcAddress()}) {
      if (field.length() > MemberDirectory.MAX_ADDRESS_CHARS) {
        return Optional.of("member ids and addresses are at most "
            + MemberDirectory.MAX_ADDRESS_CHARS + " characters");
      }
    }
    return Optional.empty();
  }
}
