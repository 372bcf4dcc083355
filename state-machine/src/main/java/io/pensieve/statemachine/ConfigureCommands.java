package io.pensieve.statemachine;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.pensieve.internal.v1.Command;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.store.Settings;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which log command carries a change of settings. The previous release's {@code
 * ConfigureCommand} ends at field 7; a node of that version reads a {@code configure} that sets
 * the request bounds added since (fields 8 to 12) as if they were not there, and would go on
 * with other settings than the upgraded members: refusing deletes, transactions and lease grants
 * they accept, or the reverse. So a change that sets any of them travels as {@code
 * configure_request_bounds}, a kind that node cannot read: it halts there (fail-stop, see
 * {@link PensieveStateMachine}) rather than diverge, and refuses it while it leads. A change of
 * older settings only stays {@code configure}, which every version applies alike.
 *
 * <p>A setting added to {@code ConfigureCommand} later needs a kind of its own again, one the
 * release that defined {@code configure_request_bounds} cannot read.
 */
public final class ConfigureCommands {
  /** The settings the previous release's ConfigureCommand lacks. */
  static final List<FieldDescriptor> REQUEST_BOUNDS = List.of(
      field(ConfigureCommand.MAX_RANGE_ENTRIES_FIELD_NUMBER),
      field(ConfigureCommand.MAX_RANGE_BYTES_FIELD_NUMBER),
      field(ConfigureCommand.MAX_DELETE_RANGE_KEYS_FIELD_NUMBER),
      field(ConfigureCommand.MAX_TXN_OPS_FIELD_NUMBER),
      field(ConfigureCommand.MAX_LEASES_FIELD_NUMBER));

  private ConfigureCommands() {}

  /** The log command that makes {@code changes}, of the kind the fields it sets call for. */
  public static Command of(ConfigureCommand changes) {
    Command.Builder command = Command.newBuilder();
    return (setsRequestBounds(changes)
        ? command.setConfigureRequestBounds(changes)
        : command.setConfigure(changes)).build();
  }

  /**
   * The command a first leader proposes to set the cluster's settings from its flags, applied
   * only if none were ever set. A request bound left at its default is left out: the cluster
   * has it at its default already, and without it the command stays readable by every version.
   */
  public static Command initial(Settings settings) {
    ConfigureCommand.Builder changes =
        SettingsMapping.toCommand(settings).setOnlyIfUnconfigured(true);
    for (FieldDescriptor bound : REQUEST_BOUNDS) {
      if (((Number) changes.getField(bound)).longValue() == 0) {
        changes.clearField(bound);
      }
    }
    return of(changes.build());
  }

  /** Whether {@code changes} sets a setting the previous release does not know. */
  public static boolean setsRequestBounds(ConfigureCommand changes) {
    return REQUEST_BOUNDS.stream().anyMatch(changes::hasField);
  }

  /**
   * The changes a {@code configure} or {@code configure_request_bounds} command makes. A {@code
   * configure} makes only those of the previous release's fields, whatever else its bytes hold:
   * a node of that version, given a request that sets a newer field (by a newer client), keeps
   * the field as unknown bytes when it proposes the change, and every node of that version
   * applies it without the field; the upgraded ones must too.
   */
  static ConfigureCommand changesOf(Command command) {
    return switch (command.getKindCase()) {
      case CONFIGURE_REQUEST_BOUNDS -> command.getConfigureRequestBounds();
      case CONFIGURE -> {
        ConfigureCommand changes = command.getConfigure();
        if (!setsRequestBounds(changes)) {
          yield changes;
        }
        ConfigureCommand.Builder released = changes.toBuilder();
        REQUEST_BOUNDS.forEach(released::clearField);
        yield released.build();
      }
      default -> throw new IllegalArgumentException(
          "not a configure command: " + CommandKinds.name(command));
    };
  }

  /**
   * Why a leader refuses a {@code configure} that sets a request bound, or empty: it was made by
   * a node of the previous version, from a newer client's request, and would not do what was
   * asked (see {@link #changesOf}); said now rather than ignored.
   */
  static Optional<String> checkConfigure(ConfigureCommand changes) {
    if (!setsRequestBounds(changes)) {
      return Optional.empty();
    }
    String named = REQUEST_BOUNDS.stream().filter(changes::hasField)
        .map(FieldDescriptor::getName).collect(Collectors.joining(", "));
    return Optional.of("this change of " + named + " came through a node of an older version,"
        + " which cannot set these settings; send it to an upgraded node once every member is"
        + " upgraded");
  }

  private static FieldDescriptor field(int number) {
    return ConfigureCommand.getDescriptor().findFieldByNumber(number);
  }
}
