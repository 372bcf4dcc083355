package io.pensieve.statemachine;

import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.RequestBounds;
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
        .setMaxRangeEntries(settings.requestBounds().maxRangeEntries())
        .setMaxRangeBytes(settings.requestBounds().maxRangeBytes())
        .setMaxDeleteRangeKeys(settings.requestBounds().maxDeleteRangeKeys())
        .setMaxTxnOps(settings.requestBounds().maxTxnOps())
        .setMaxLeases(settings.requestBounds().maxLeases())
        .build();
  }

  /**
   * The settings in force, for people to read (cluster views, pvctl): each request bound's
   * value in force, never the 0 that stands for its default. Not for snapshots or commands,
   * which keep the bounds as set ({@link #toProto}).
   */
  public static io.pensieve.proto.v1.Settings toProtoInForce(Settings settings) {
    return toProto(settings).toBuilder()
        .setMaxRangeEntries(settings.maxRangeEntries())
        .setMaxRangeBytes(settings.maxRangeBytes())
        .setMaxDeleteRangeKeys(settings.maxDeleteRangeKeys())
        .setMaxTxnOps(settings.maxTxnOps())
        .setMaxLeases(settings.maxLeases())
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
        proto.getMaxValueBytes(),
        new RequestBounds(
            proto.getMaxRangeEntries(),
            proto.getMaxRangeBytes(),
            proto.getMaxDeleteRangeKeys(),
            proto.getMaxTxnOps(),
            proto.getMaxLeases()));
  }

  /**
   * Throws {@link IllegalArgumentException} for an eviction policy this build does not know;
   * values out of range are refused when the update is applied ({@link SettingsUpdate#applyTo}).
   */
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
            : OptionalInt.empty(),
        command.hasMaxRangeEntries()
            ? OptionalInt.of(command.getMaxRangeEntries())
            : OptionalInt.empty(),
        command.hasMaxRangeBytes()
            ? OptionalLong.of(command.getMaxRangeBytes())
            : OptionalLong.empty(),
        command.hasMaxDeleteRangeKeys()
            ? OptionalInt.of(command.getMaxDeleteRangeKeys())
            : OptionalInt.empty(),
        command.hasMaxTxnOps() ? OptionalInt.of(command.getMaxTxnOps()) : OptionalInt.empty(),
        command.hasMaxLeases() ? OptionalInt.of(command.getMaxLeases()) : OptionalInt.empty());
  }

  /** A Configure command that sets every field to {@code settings}. */
  public static ConfigureCommand.Builder toCommand(Settings settings) {
    return ConfigureCommand.newBuilder()
        .setMaxEntries(settings.maxEntries())
        .setMaxBytes(settings.maxBytes())
        .setEvictionPolicy(toProto(settings.evictionPolicy()))
        .setDefaultTtlMillis(settings.defaultTtlMillis())
        .setMaxKeyBytes(settings.maxKeyBytes())
        .setMaxValueBytes(settings.maxValueBytes())
        .setMaxRangeEntries(settings.requestBounds().maxRangeEntries())
        .setMaxRangeBytes(settings.requestBounds().maxRangeBytes())
        .setMaxDeleteRangeKeys(settings.requestBounds().maxDeleteRangeKeys())
        .setMaxTxnOps(settings.requestBounds().maxTxnOps())
        .setMaxLeases(settings.requestBounds().maxLeases());
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
