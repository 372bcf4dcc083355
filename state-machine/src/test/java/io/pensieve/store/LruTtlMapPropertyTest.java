package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.store.Programs.Step;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The map against a deliberately naive model of the same rules, on random command sequences. */
class LruTtlMapPropertyTest {
  static final int TRIALS = 1000;
  static final int MAX_PROGRAM_LENGTH = 200;

  @Test
  void answersEveryCommandAndReadAsTheReferenceModelDoes() {
    PropertyRunner.check("answersEveryCommandAndReadAsTheReferenceModelDoes", TRIALS,
        Programs.upTo(MAX_PROGRAM_LENGTH), answersAsTheModelDoes(ReferenceModel::new));
  }

  /**
   * After every step the map has answered as a fresh model does, holds what it holds, and
   * keeps its invariants ({@link Programs#run} checks them). The map's key order has the
   * smallest nodes it allows, so that the few keys of a program split and merge its leaves and
   * inner nodes and ranges cross their boundaries.
   */
  static PropertyRunner.Property<List<Step>> answersAsTheModelDoes(
      Supplier<ReferenceModel> models) {
    return program -> {
      LruTtlMap map = LruTtlMap.withKeyOrderNodes(
          Settings.DEFAULTS, KeyOrder.MIN_CAPACITY, KeyOrder.MIN_CAPACITY);
      ReferenceModel model = models.get();
      long clock = Programs.START_MILLIS;

      for (int i = 0; i < program.size(); i++) {
        Step step = program.get(i);
        long at = Programs.runAt(clock, step);
        Object actual = withoutMessages(Programs.run(step, map, at));
        Object expected = Programs.run(step, model, at);
        clock = Programs.timeAfter(clock, step);

        assertThat(actual).as("answer to step %d: %s", i, step).isEqualTo(expected);
        assertThat(MapContents.of(map)).as("state after step %d: %s", i, step)
            .isEqualTo(new MapContents(model.entriesInLruOrder(), model.state(), model.bytes()));
      }
    };
  }

  /** The model does not write refusal messages; only reasons are compared. */
  private static Object withoutMessages(Object outcome) {
    return outcome instanceof Refused refused ? new Refused(refused.reason(), "") : outcome;
  }
}
