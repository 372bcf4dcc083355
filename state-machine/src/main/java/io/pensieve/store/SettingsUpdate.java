package io.pensieve.store;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** A change to some settings; absent fields keep their current value. */
public record SettingsUpdate(
    OptionalLong maxEntries,
    OptionalLong maxBytes,
    Optional<EvictionPolicy> evictionPolicy,
    OptionalLong defaultTtlMillis,
    OptionalInt maxKeyBytes,
    OptionalInt maxValueBytes,
    OptionalInt maxRangeEntries,
    OptionalLong maxRangeBytes,
    OptionalInt maxDeleteRangeKeys,
    OptionalInt maxTxnOps,
    OptionalInt maxLeases) {

  /** An update that leaves every request bound as it is. */
  public SettingsUpdate(OptionalLong maxEntries, OptionalLong maxBytes,
      Optional<EvictionPolicy> evictionPolicy, OptionalLong defaultTtlMillis,
      OptionalInt maxKeyBytes, OptionalInt maxValueBytes) {
    this(maxEntries, maxBytes, evictionPolicy, defaultTtlMillis, maxKeyBytes, maxValueBytes,
        OptionalInt.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(),
        OptionalInt.empty());
  }

  public static SettingsUpdate replacingAll(Settings settings) {
    RequestBounds bounds = settings.requestBounds();
    return new SettingsUpdate(
        OptionalLong.of(settings.maxEntries()),
        OptionalLong.of(settings.maxBytes()),
        Optional.of(settings.evictionPolicy()),
        OptionalLong.of(settings.defaultTtlMillis()),
        OptionalInt.of(settings.maxKeyBytes()),
        OptionalInt.of(settings.maxValueBytes()),
        OptionalInt.of(bounds.maxRangeEntries()),
        OptionalLong.of(bounds.maxRangeBytes()),
        OptionalInt.of(bounds.maxDeleteRangeKeys()),
        OptionalInt.of(bounds.maxTxnOps()),
        OptionalInt.of(bounds.maxLeases()));
  }

  /** The settings this update makes of {@code current}; throws if a value is out of range. */
  public Settings applyTo(Settings current) {
    RequestBounds bounds = current.requestBounds();
    return new Settings(
        maxEntries.orElse(current.maxEntries()),
        maxBytes.orElse(current.maxBytes()),
        evictionPolicy.orElse(current.evictionPolicy()),
        defaultTtlMillis.orElse(current.defaultTtlMillis()),
        maxKeyBytes.orElse(current.maxKeyBytes()),
        maxValueBytes.orElse(current.maxValueBytes()),
        new RequestBounds(
            maxRangeEntries.orElse(bounds.maxRangeEntries()),
            maxRangeBytes.orElse(bounds.maxRangeBytes()),
            maxDeleteRangeKeys.orElse(bounds.maxDeleteRangeKeys()),
            maxTxnOps.orElse(bounds.maxTxnOps()),
            maxLeases.orElse(bounds.maxLeases())));
  }
}
