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
    OptionalInt maxValueBytes) {

  public static SettingsUpdate replacingAll(Settings settings) {
    return new SettingsUpdate(
        OptionalLong.of(settings.maxEntries()),
        OptionalLong.of(settings.maxBytes()),
        Optional.of(settings.evictionPolicy()),
        OptionalLong.of(settings.defaultTtlMillis()),
        OptionalInt.of(settings.maxKeyBytes()),
        OptionalInt.of(settings.maxValueBytes()));
  }

  /** The settings this update makes of {@code current}; throws if a value is out of range. */
  public Settings applyTo(Settings current) {
    return new Settings(
        maxEntries.orElse(current.maxEntries()),
        maxBytes.orElse(current.maxBytes()),
        evictionPolicy.orElse(current.evictionPolicy()),
        defaultTtlMillis.orElse(current.defaultTtlMillis()),
        maxKeyBytes.orElse(current.maxKeyBytes()),
        maxValueBytes.orElse(current.maxValueBytes()));
  }
}
