package io.pensieve.cli;

import io.pensieve.api.EvictionPolicyNames;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.Settings;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code config set NAME=VALUE...}: the names, their values and how they map onto a
 * {@link ConfigureCommand}. Only the form is checked here; the node checks the ranges.
 */
final class SettingChanges {
  /** The names {@code config set} takes, in the order {@code config get} prints them. */
  static final List<String> NAMES = List.of("max-entries", "max-bytes", "eviction-policy",
      "default-ttl", "max-key-bytes", "max-value-bytes", "max-range-entries", "max-range-bytes",
      "max-delete-range-keys", "max-txn-ops", "max-leases");

  private SettingChanges() {}

  /**
   * Parses assignments into the changes to send.
   *
   * @throws IllegalArgumentException with a message that names the assignment at fault
   */
  static ConfigureCommand parse(List<String> assignments) {
    if (assignments.isEmpty()) {
      throw new IllegalArgumentException("name at least one setting: " + String.join(", ", NAMES));
    }
    ConfigureCommand.Builder changes = ConfigureCommand.newBuilder();
    Set<String> seen = new HashSet<>();
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("'" + assignment + "' is not NAME=VALUE");
      }
      String name = assignment.substring(0, equals).trim().toLowerCase(Locale.ROOT);
      String value = assignment.substring(equals + 1).trim();
      if (!seen.add(name)) {
        throw new IllegalArgumentException(name + " is set twice");
      }
      switch (name) {
        case "max-entries" -> changes.setMaxEntries(count(name, value));
        case "max-bytes" -> changes.setMaxBytes(count(name, value));
        case "eviction-policy" -> changes.setEvictionPolicy(EvictionPolicyNames.parse(name, value));
        case "default-ttl" -> changes.setDefaultTtlMillis(secondsAsMillis(name, value));
        case "max-key-bytes" -> changes.setMaxKeyBytes(intCount(name, value));
        case "max-value-bytes" -> changes.setMaxValueBytes(intCount(name, value));
        case "max-range-entries" -> changes.setMaxRangeEntries(intCount(name, value));
        case "max-range-bytes" -> changes.setMaxRangeBytes(count(name, value));
        case "max-delete-range-keys" -> changes.setMaxDeleteRangeKeys(intCount(name, value));
        case "max-txn-ops" -> changes.setMaxTxnOps(intCount(name, value));
        case "max-leases" -> changes.setMaxLeases(intCount(name, value));
        default -> throw new IllegalArgumentException("unknown setting '" + name
            + "'; the settings are " + String.join(", ", NAMES));
      }
    }
    return changes.build();
  }

  private static long count(String name, String value) {
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
    }
    if (parsed < 0) {
      throw new IllegalArgumentException(name + " must be 0 or more, not " + value);
    }
    return parsed;
  }

  private static int intCount(String name, String value) {
    long parsed = count(name, value);
    if (parsed > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be at most " + Integer.MAX_VALUE);
    }
    return (int) parsed;
  }

  /** Seconds, whole or with up to three decimals; 0 = never expires. */
  private static long secondsAsMillis(String name, String value) {
    BigDecimal millis;
    try {
      millis = new BigDecimal(value).movePointRight(3);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number of seconds, not '" + value + "'");
    }
    if (millis.signum() < 0) {
      throw new IllegalArgumentException(name + " must be 0 (never) or more seconds, not " + value);
    }
    try {
      return millis.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(name + " must be whole milliseconds and fit: " + value);
    }
  }

  /** The settings by the names {@code config set} takes, values as it takes them. */
  static Fields fields(Settings settings) {
    return new Fields()
        .add("max-entries", settings.getMaxEntries())
        .add("max-bytes", settings.getMaxBytes())
        .add("eviction-policy", EvictionPolicyNames.name(settings.getEvictionPolicy()))
        .add("default-ttl", BigDecimal.valueOf(settings.getDefaultTtlMillis(), 3)
            .stripTrailingZeros().toPlainString())
        .add("max-key-bytes", settings.getMaxKeyBytes())
        .add("max-value-bytes", settings.getMaxValueBytes())
        .add("max-range-entries", settings.getMaxRangeEntries())
        .add("max-range-bytes", settings.getMaxRangeBytes())
        .add("max-delete-range-keys", settings.getMaxDeleteRangeKeys())
        .add("max-txn-ops", settings.getMaxTxnOps())
        .add("max-leases", settings.getMaxLeases());
  }
}
