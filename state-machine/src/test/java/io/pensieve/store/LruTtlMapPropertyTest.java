package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.store.Programs.Step;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The map against a deliberately naive model of the same rules, on random command sequences. */
class LruTtlMapPropertyTest {

  @Property(tries = 1000)
  void answersEveryCommandAndReadAsTheReferenceModelDoes(@ForAll("programs") List<Step> program) {
    LruTtlMap map = new LruTtlMap();
    ReferenceModel model = new ReferenceModel();
    long clock = Programs.START_MILLIS;

    for (int i = 0; i < program.size(); i++) {
      Step step = program.get(i);
      long at = Programs.runAt(clock, step);
      Object actual = withoutMessages(Programs.run(step, map, at));
      Object expected = Programs.run(step, model, at);
      clock = Programs.timeAfter(clock, step);

      assertThat(actual).as("step %d: %s", i, step).isEqualTo(expected);
      assertThat(MapContents.of(map)).as("state after step %d: %s", i, step)
          .isEqualTo(new MapContents(model.entriesInLruOrder(), model.state(), model.bytes()));
    }
  }

  @Provide
  Arbitrary<List<Step>> programs() {
    return Programs.programs(200);
  }

  /** The model does not write refusal messages; only reasons are compared. */
  private static Object withoutMessages(Object outcome) {
    return outcome instanceof Refused refused ? new Refused(refused.reason(), "") : outcome;
  }
}
