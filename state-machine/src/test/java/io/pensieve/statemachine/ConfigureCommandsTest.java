package io.pensieve.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.pensieve.internal.v1.Command;
import io.pensieve.internal.v1.CommandBatch;
import io.pensieve.proto.v1.ConfigureCommand;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.RequestBounds;
import io.pensieve.store.Settings;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which kind of log command a change of settings travels as, and what a leader lets in. */
class ConfigureCommandsTest {
  /** ConfigureCommand's fields in the previous release (proto/compat/released.binpb). */
  private static final Set<Integer> PREVIOUS_RELEASE_FIELDS = Set.of(1, 2, 3, 4, 5, 6, 7);

  @Test
  void aChangeOfOlderSettingsOnlyStaysAConfigure() {
    Command command = ConfigureCommands.of(ConfigureCommand.newBuilder()
        .setDefaultTtlMillis(60_000).setMaxEntries(10).build());

    assertThat(command.getKindCase()).isEqualTo(Command.KindCase.CONFIGURE);
    assertThat(command.getConfigure().getDefaultTtlMillis()).isEqualTo(60_000);
  }

  @Test
  void aChangeThatSetsAnyRequestBoundIsAConfigureRequestBounds() {
    for (FieldDescriptor bound : ConfigureCommands.REQUEST_BOUNDS) {
      // even to 0: on a configured cluster that resets the bound to its default, a change
      Object zero = bound.getJavaType() == FieldDescriptor.JavaType.LONG ? (Object) 0L : 0;
      ConfigureCommand changes = ConfigureCommand.newBuilder().setDefaultTtlMillis(60_000)
          .setField(bound, zero).build();

      Command command = ConfigureCommands.of(changes);

      assertThat(command.getKindCase()).as(bound.getName())
          .isEqualTo(Command.KindCase.CONFIGURE_REQUEST_BOUNDS);
      assertThat(command.getConfigureRequestBounds()).isEqualTo(changes);
    }
  }

  @Test
  void everySettingIsEitherOneThePreviousReleaseKnowsOrARequestBound() {
    // a setting added later needs a command kind of its own, as the request bounds did: this
    // fails until whoever adds it decides which kind carries it
    List<Integer> bounds =
        ConfigureCommands.REQUEST_BOUNDS.stream().map(FieldDescriptor::getNumber).toList();
    assertThat(bounds).containsExactly(8, 9, 10, 11, 12);
    for (FieldDescriptor field : ConfigureCommand.getDescriptor().getFields()) {
      assertThat(PREVIOUS_RELEASE_FIELDS.contains(field.getNumber())
          || bounds.contains(field.getNumber()))
          .as("ConfigureCommand." + field.getName() + " is classified").isTrue();
    }
  }

  @Test
  void theFirstLeadersConfigureLeavesOutTheBoundsAtTheirDefault() {
    Settings flags = new Settings(100, 0, EvictionPolicy.NOEVICTION, 5_000, 16, 64);

    Command command = ConfigureCommands.initial(flags);

    assertThat(command.getKindCase()).isEqualTo(Command.KindCase.CONFIGURE);
    ConfigureCommand changes = command.getConfigure();
    assertThat(changes.getOnlyIfUnconfigured()).isTrue();
    assertThat(changes.getMaxEntries()).isEqualTo(100);
    assertThat(changes.hasMaxBytes()).isTrue();
    assertThat(ConfigureCommands.setsRequestBounds(changes)).isFalse();
  }

  @Test
  void theFirstLeadersConfigureWithABoundSetIsAConfigureRequestBounds() {
    Settings flags = new Settings(100, 0, EvictionPolicy.LRU, 0, 16, 64,
        new RequestBounds(0, 0, 0, 9, 0));

    Command command = ConfigureCommands.initial(flags);

    assertThat(command.getKindCase()).isEqualTo(Command.KindCase.CONFIGURE_REQUEST_BOUNDS);
    ConfigureCommand changes = command.getConfigureRequestBounds();
    assertThat(changes.getOnlyIfUnconfigured()).isTrue();
    assertThat(changes.getMaxTxnOps()).isEqualTo(9);
    assertThat(changes.hasMaxRangeEntries()).isFalse();
    assertThat(changes.hasMaxLeases()).isFalse();
  }

  @Test
  void aLeaderRefusesAConfigureThatSetsARequestBound() {
    Optional<String> problem = CommandValidator.check(batch(Command.newBuilder()
        .setConfigure(ConfigureCommand.newBuilder().setMaxTxnOps(4).setMaxLeases(5))));

    assertThat(problem).hasValueSatisfying(message -> assertThat(message)
        .contains("max_txn_ops, max_leases", "older version", "upgraded node"));
  }

  @Test
  void aLeaderLetsInEitherKindOfConfigureOtherwise() {
    ConfigureCommand older = ConfigureCommand.newBuilder().setDefaultTtlMillis(1_000).build();
    ConfigureCommand bounds = ConfigureCommand.newBuilder().setMaxRangeEntries(50).build();

    assertThat(CommandValidator.check(batch(Command.newBuilder().setConfigure(older))))
        .isEmpty();
    assertThat(CommandValidator.check(batch(
        Command.newBuilder().setConfigureRequestBounds(bounds)))).isEmpty();
    // the kind that older builds cannot read, carrying only what they could: fine, if stricter
    assertThat(CommandValidator.check(batch(
        Command.newBuilder().setConfigureRequestBounds(older)))).isEmpty();
  }

  private static CommandBatch batch(Command.Builder command) {
    return CommandBatch.newBuilder().addCommands(command).build();
  }
}
