package io.pensieve.statemachine;

import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.Settings;
import io.pensieve.store.SettingsUpdate;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Settings between their protobuf form and the map's. */
public final class SettingsMapping {
  private SettingsMapping() {}

  public static io.pensieve.proto.v1.Settings toProto(Settings settings) {
    return io.pensieve.proto.v1.Settings.newBuilder()
        .setMaxEntries(settings.maxEntries())
        .setMaxBytes(settings.maxBytes())
        .setEvictionPolicy(toProto(settings.evictionPolicy()))
        .setDefaultTtlMillis(settings.defaultTtlMillis())
        .setMaxKeyBytes(settings.maxKeyBytes())
        .setMaxValueBytes(settings.maxValueBytes())
        .build();
  }

  /** Throws {@link IllegalArgumentException} when a value is out of range. */
  public static Settings fromProto(io.pensieve.proto.v1.Settings proto) {
    return new Settings(
        proto.getMaxEntries(),
        proto.getMaxBytes(),
        fromProto(proto.getEvictionPolicy()),
        proto.getDefaultTtlMillis(),
        proto.getMaxKeyBytes(),
        proto.getMaxValueBytes());
  }

  /** Throws {@link IllegalArgumentException} for an eviction policy this build does not know. */
  public static SettingsUpdate fromProto(ConfigureCommand command) {
    return new SettingsUpdate(
        command.hasMaxEntries() ? OptionalLong.of(command.getMaxEntries()) : OptionalLong.empty(),
        command.hasMaxBytes() ? OptionalLong.of(command.getMaxBytes()) : OptionalLong.empty(),
        command.hasEvictionPolicy()
            ? Optional.of(fromProto(command.getEvictionPolicy()))
            : Optional.empty(),
        command.hasDefaultTtlMillis()
            ? OptionalLong.of(command.getDefaultTtlMillis())
            : OptionalLong.empty(),
        command.hasMaxKeyBytes() ? OptionalInt.of(command.getMaxKeyBytes()) : OptionalInt.empty(),
        command.hasMaxValueBytes()
            ? OptionalInt.of(command.getMaxValueBytes())
            : OptionalInt.empty());
  }

  /** A Configure command that sets every field to {@code settings}. */
  public static ConfigureCommand.Builder toCommand(Settings settings) {
    return ConfigureCommand.newBuilder()
        .setMaxEntries(settings.maxEntries())
        .setMaxBytes(settings.maxBytes())
        .setEvictionPolicy(toProto(settings.evictionPolicy()))
        .setDefaultTtlMillis(settings.defaultTtlMillis())
        .setMaxKeyBytes(settings.maxKeyBytes())
        .setMaxValueBytes(settings.maxValueBytes());
  }

  private static io.pensieve.proto.v1.EvictionPolicy toProto(EvictionPolicy policy) {
    return switch (policy) {
      case LRU -> io.pensieve.proto.v1.EvictionPolicy.EVICTION_POLICY_LRU;
      case NOEVICTION -> io.pensieve.proto.v1.EvictionPolicy.EVICTION_POLICY_NOEVICTION;
    };
  }

  public static EvictionPolicy fromProto(io.pensieve.proto.v1.EvictionPolicy policy) {
    return switch (policy) {
      case EVICTION_POLICY_LRU -> EvictionPolicy.LRU;
      case EVICTION_POLICY_NOEVICTION -> EvictionPolicy.NOEVICTION;
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown eviction policy");
    };
  }
}
