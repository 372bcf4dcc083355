package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.api.RequestLimits;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The request bounds among the settings: 0 reads as the default, the rest must be in range. */
class SettingsTest {
  @Test
  void unsetBoundsReadAsTheirDefaults() {
    Settings settings = Settings.DEFAULTS;

    assertThat(settings.requestBounds()).isEqualTo(RequestBounds.DEFAULTS);
    assertThat(settings.maxRangeEntries()).isEqualTo(RequestLimits.DEFAULT_RANGE_ENTRIES);
    assertThat(settings.maxRangeBytes()).isEqualTo(RequestLimits.DEFAULT_RANGE_BYTES);
    assertThat(settings.maxDeleteRangeKeys()).isEqualTo(RequestLimits.DEFAULT_DELETE_RANGE_KEYS);
    assertThat(settings.maxTxnOps()).isEqualTo(RequestLimits.DEFAULT_TXN_OPS);
    assertThat(settings.maxLeases()).isEqualTo(RequestLimits.DEFAULT_LEASES);
  }

  @Test
  void setBoundsAreInForceAsSet() {
    Settings settings = withBounds(new RequestBounds(5, 65_536, 7, 3, 11));

    assertThat(settings.maxRangeEntries()).isEqualTo(5);
    assertThat(settings.maxRangeBytes()).isEqualTo(65_536);
    assertThat(settings.maxDeleteRangeKeys()).isEqualTo(7);
    assertThat(settings.maxTxnOps()).isEqualTo(3);
    assertThat(settings.maxLeases()).isEqualTo(11);
  }

  @Test
  void eachBoundAcceptsItsWholeRange() {
    RequestBounds lowest = new RequestBounds(1, RequestLimits.MIN_RANGE_BYTES, 1, 1, 1);
    RequestBounds highest = new RequestBounds(RequestLimits.MAX_RANGE_ENTRIES,
        RequestLimits.MAX_RANGE_BYTES, RequestLimits.MAX_DELETE_RANGE_KEYS,
        RequestLimits.MAX_TXN_OPS, RequestLimits.MAX_LEASES);

    assertThat(withBounds(lowest).maxRangeBytes()).isEqualTo(RequestLimits.MIN_RANGE_BYTES);
    assertThat(withBounds(highest).maxLeases()).isEqualTo(RequestLimits.MAX_LEASES);
  }

  @Test
  void aBoundOutOfRangeIsRefusedWithItsNameAndRange() {
    refused(v -> new RequestBounds(v, 0, 0, 0, 0), RequestLimits.MAX_RANGE_ENTRIES + 1,
        "max_range_entries must be between 1 and 100000 (or 0 for the default, 10000), got 100001");
    refused(v -> new RequestBounds(v, 0, 0, 0, 0), -1,
        "max_range_entries must be between 1 and 100000 (or 0 for the default, 10000), got -1");
    refused(v -> new RequestBounds(0, v, 0, 0, 0), 1024,
        "max_range_bytes must be between 65536 and 4194304 (or 0 for the default, 4194304),"
            + " got 1024");
    refused(v -> new RequestBounds(0, 0, v, 0, 0), RequestLimits.MAX_DELETE_RANGE_KEYS + 1,
        "max_delete_range_keys must be between 1 and 1000000 (or 0 for the default, 10000),"
            + " got 1000001");
    refused(v -> new RequestBounds(0, 0, 0, v, 0), -5,
        "max_txn_ops must be between 1 and 10000 (or 0 for the default, 128), got -5");
    refused(v -> new RequestBounds(0, 0, 0, 0, v), RequestLimits.MAX_LEASES + 1,
        "max_leases must be between 1 and 10000000 (or 0 for the default, 100000), got 10000001");
  }

  @Test
  void anUpdateChangesOnlyTheBoundsItNamesAndZeroRestoresTheDefault() {
    Settings current = withBounds(new RequestBounds(5, 0, 7, 0, 0));
    SettingsUpdate update = new SettingsUpdate(OptionalLong.empty(), OptionalLong.empty(),
        Optional.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(),
        OptionalInt.of(0), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.of(64),
        OptionalInt.empty());

    Settings next = update.applyTo(current);

    assertThat(next.requestBounds()).isEqualTo(new RequestBounds(0, 0, 7, 64, 0));
    assertThat(next.maxRangeEntries()).isEqualTo(RequestLimits.DEFAULT_RANGE_ENTRIES);
    assertThat(next.maxDeleteRangeKeys()).isEqualTo(7);
    assertThat(next.maxTxnOps()).isEqualTo(64);
    assertThat(SettingsUpdate.replacingAll(next).applyTo(Settings.DEFAULTS)).isEqualTo(next);
  }

  private static Settings withBounds(RequestBounds bounds) {
    Settings defaults = Settings.DEFAULTS;
    return new Settings(defaults.maxEntries(), defaults.maxBytes(), defaults.evictionPolicy(),
        defaults.defaultTtlMillis(), defaults.maxKeyBytes(), defaults.maxValueBytes(), bounds);
  }

  private static void refused(IntFunction<RequestBounds> bounds, int value, String message) {
    assertThatThrownBy(() -> bounds.apply(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
