package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.store.LeaseTableModel.PlantedBug;
import io.pensieve.store.LeaseTablePrograms.Step;
import io.pensieve.store.PropertyRunner.Counterexample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lease property is only as good as the bugs it catches. Each bug here is planted in the
 * reference model, so that the table (right) and the model (wrong) disagree on one rule: a
 * keep-alive that shortens a lease under a leader whose clock is behind, and an expiry scan that
 * names a lease whose {@code expireAt} is still ahead of the stamp. The property must find each
 * within its usual number of trials and shrink it to a program of a few steps.
 *
 * <p>The base seed is fixed so that this test never flakes.
 */
class LeaseTablePlantedBugsTest {
  private static final long BASE_SEED = 19;
  /** Each bug shows in three steps (grant, clock, keep-alive or expired); a little slack. */
  private static final int SHRUNK_STEPS_CEILING = 4;

  @ParameterizedTest
  @EnumSource(value = PlantedBug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void theLeasePropertyCatchesThePlantedBugAndShrinksItToAFewSteps(PlantedBug bug) {
    Optional<Counterexample<List<Step>>> found = PropertyRunner.search(BASE_SEED,
        LeaseTablePropertyTest.TRIALS,
        LeaseTablePrograms.upTo(LeaseTablePropertyTest.MAX_PROGRAM_LENGTH),
        LeaseTablePropertyTest.answersAsTheModelDoes(bug));

    assertThat(found).as("%s not found in %d trials from base seed %d", bug,
        LeaseTablePropertyTest.TRIALS, BASE_SEED).isPresent();
    Counterexample<List<Step>> counterexample = found.get();
    System.out.printf("planted %s: found on trial %d (seed %d), %d steps shrunk in %d attempts"
            + " to %d:%n%s%n", bug, counterexample.trial(), counterexample.seed(),
        counterexample.original().size(), counterexample.shrinkAttempts(),
        counterexample.shrunk().size(), LeaseTablePrograms.describe(counterexample.shrunk()));
    assertThat(counterexample.shrunk()).as("shrunk program for %s", bug)
        .hasSizeLessThanOrEqualTo(SHRUNK_STEPS_CEILING);
  }
}
