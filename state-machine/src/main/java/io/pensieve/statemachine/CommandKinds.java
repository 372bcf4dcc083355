package io.pensieve.statemachine;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of command a build applies. Production applies every kind it knows; a test can
 * give a node fewer, to play a build of an older version during a rolling upgrade, which meets
 * a kind added after it as a oneof case it cannot read.
 */
public final class CommandKinds {
  private CommandKinds() {}

  /** Every kind of command this build knows. */
  public static Set<Command.KindCase> all() {
    return EnumSet.complementOf(EnumSet.of(Command.KindCase.KIND_NOT_SET));
  }

  /** Every kind but {@code missing}: an older build that predates them. */
  public static Set<Command.KindCase> allBut(Command.KindCase... missing) {
    Set<Command.KindCase> kinds = all();
    for (Command.KindCase kind : missing) {
      kinds.remove(kind);
    }
    return kinds;
  }

  /** A command's kind as the log's schema names it: {@code compare_and_set}, ... */
  public static String name(Command command) {
    if (command.getKindCase() == Command.KindCase.KIND_NOT_SET) {
      // a oneof case of a newer version arrives as an unknown field of that number
      return command.getUnknownFields().asMap().keySet().stream().findFirst()
          .map(number -> "unknown (field " + number + ")").orElse("none");
    }
    FieldDescriptor field =
        Command.getDescriptor().findFieldByNumber(command.getKindCase().getNumber());
    return field.getName();
  }

  /**
   * Why a batch holds a command this build cannot apply, naming the first such command and its
   * kind; empty when it can apply them all.
   */
  static Optional<Unreadable> firstUnreadable(CommandBatch batch, Set<Command.KindCase> kinds) {
    for (int i = 0; i < batch.getCommandsCount(); i++) {
      Command command = batch.getCommands(i);
      if (!kinds.contains(command.getKindCase())) {
        String kind = name(command);
        String position = "command " + (i + 1) + " of " + batch.getCommandsCount();
        String reason = command.getKindCase() != Command.KindCase.KIND_NOT_SET
            ? position + " is " + kind + ", which this build does not apply"
            : command.getUnknownFields().asMap().isEmpty()
                ? position + " has no kind"
                : position + " is of a kind this build does not know, a newer version's";
        return Optional.of(new Unreadable(kind, reason));
      }
    }
    return Optional.empty();
  }

  /** A command this build cannot apply: its kind's name, and why. */
  record Unreadable(String kind, String reason) {}
}
