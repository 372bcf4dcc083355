package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.proto.v1.EvictionPolicy;
import io.pensieve.proto.v1.Settings;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingChangesTest {

  private static ConfigureCommand parse(String... assignments) {
    return SettingChanges.parse(Arrays.asList(assignments));
  }

  @Test
  void everyNameMapsOntoItsField() {
    ConfigureCommand changes = parse("max-entries=100000", "max-bytes=1073741824",
        "eviction-policy=noeviction", "default-ttl=3600", "max-key-bytes=2048",
        "max-value-bytes=65536", "max-range-entries=5", "max-range-bytes=65536",
        "max-delete-range-keys=7", "max-txn-ops=64", "max-leases=1000");

    assertThat(changes).isEqualTo(ConfigureCommand.newBuilder()
        .setMaxEntries(100_000)
        .setMaxBytes(1_073_741_824L)
        .setEvictionPolicy(EvictionPolicy.EVICTION_POLICY_NOEVICTION)
        .setDefaultTtlMillis(3_600_000)
        .setMaxKeyBytes(2048)
        .setMaxValueBytes(65_536)
        .setMaxRangeEntries(5)
        .setMaxRangeBytes(65_536)
        .setMaxDeleteRangeKeys(7)
        .setMaxTxnOps(64)
        .setMaxLeases(1000)
        .build());
  }

  @Test
  void unnamedSettingsStayUnset() {
    ConfigureCommand changes = parse("max-entries=0");

    assertThat(changes.hasMaxEntries()).isTrue();
    assertThat(changes.getMaxEntries()).isZero();
    assertThat(changes.hasMaxBytes()).isFalse();
    assertThat(changes.hasEvictionPolicy()).isFalse();
    assertThat(changes.hasDefaultTtlMillis()).isFalse();
    assertThat(changes.hasMaxRangeEntries()).isFalse();
    assertThat(changes.hasMaxTxnOps()).isFalse();
    assertThat(changes.getOnlyIfUnconfigured()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "30, 30000", "1.5, 1500", "0.001, 1", "86400, 86400000"})
  void defaultTtlIsSeconds(String seconds, long millis) {
    assertThat(parse("default-ttl=" + seconds).getDefaultTtlMillis()).isEqualTo(millis);
  }

  @Test
  void namesAndPoliciesIgnoreCaseAndSpaces() {
    ConfigureCommand changes = parse("Eviction-Policy=LRU", " max-entries = 5 ");

    assertThat(changes.getEvictionPolicy()).isEqualTo(EvictionPolicy.EVICTION_POLICY_LRU);
    assertThat(changes.getMaxEntries()).isEqualTo(5);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "max-entries             | 'max-entries' is not NAME=VALUE",
      "=5                      | '=5' is not NAME=VALUE",
      "max-entries=lots        | max-entries must be a whole number, not 'lots'",
      "max-bytes=-1            | max-bytes must be 0 or more, not -1",
      "eviction-policy=lfu     | eviction-policy must be lru or noeviction, not 'lfu'",
      "default-ttl=soon        | default-ttl must be a number of seconds",
      "default-ttl=-3          | default-ttl must be 0 (never) or more seconds",
      "default-ttl=0.0001      | default-ttl must be whole milliseconds",
      "max-key-bytes=3000000000 | max-key-bytes must be at most 2147483647",
      "max-txn-ops=-1          | max-txn-ops must be 0 or more, not -1",
      "max-range-entries=many  | max-range-entries must be a whole number, not 'many'",
      "ttl=5                   | unknown setting 'ttl'; the settings are max-entries, max-bytes"})
  void malformedAssignmentsAreRefusedByName(String assignment, String message) {
    assertThatThrownBy(() -> parse(assignment.trim()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message.trim());
  }

  @Test
  void aNameSetTwiceIsRefused() {
    assertThatThrownBy(() -> parse("max-entries=1", "max-entries=2"))
        .hasMessage("max-entries is set twice");
  }

  @Test
  void nothingToSetIsRefused() {
    assertThatThrownBy(() -> SettingChanges.parse(List.of()))
        .hasMessageStartingWith("name at least one setting");
  }

  @Test
  void settingsPrintUnderTheNamesSetTakes() {
    Settings settings = Settings.newBuilder().setMaxEntries(10)
        .setEvictionPolicy(EvictionPolicy.EVICTION_POLICY_NOEVICTION)
        .setDefaultTtlMillis(1500).setMaxKeyBytes(1024).setMaxValueBytes(1_048_576)
        .setMaxRangeEntries(5).setMaxRangeBytes(4_194_304).setMaxDeleteRangeKeys(10_000)
        .setMaxTxnOps(128).setMaxLeases(100_000).build();

    assertThat(SettingChanges.fields(settings).render()).isEqualTo("""
        max-entries: 10
        max-bytes: 0
        eviction-policy: noeviction
        default-ttl: 1.5
        max-key-bytes: 1024
        max-value-bytes: 1048576
        max-range-entries: 5
        max-range-bytes: 4194304
        max-delete-range-keys: 10000
        max-txn-ops: 128
        max-leases: 100000
        """);
  }
}
