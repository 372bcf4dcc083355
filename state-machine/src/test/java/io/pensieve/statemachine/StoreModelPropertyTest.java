package io.pensieve.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.statemachine.snapshot.SnapshotFormat;
import io.pensieve.store.LeasedMap;
import io.pensieve.store.Programs;
import io.pensieve.store.Programs.Step;
import io.pensieve.store.PropertyRunner;
import io.pensieve.store.ReferenceModel;
import io.pensieve.store.StoreContents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store the state machine applies to ({@link LeasedMap}: the map and its leases) against a
 * deliberately naive model of the same rules, on random programs that mix every kind of step:
 * puts (with and without leases), compare-and-sets, deletes, touches, expiry, settings, reads,
 * ranges, delete-ranges, transactions (applied through the state machine's own apply path),
 * lease grants, keep-alives, revokes and the leader's expiry of leases, with the clock stepping
 * forward and back. Two stores fed the same program write byte-identical snapshots, and a store
 * loaded from a snapshot taken mid-program answers the rest of it as the model does.
 */
class StoreModelPropertyTest {
  static final int TRIALS = 600;
  static final int MAX_PROGRAM_LENGTH = 160;
  private static final long TERM = 2;
  private static final MemberDirectory MEMBERS = MemberDirectory.of(List.of());

  @TempDir
  Path dir;

  @Test
  void answersEveryStepAsTheReferenceModelAndTwinsWriteIdenticalSnapshots() {
    PropertyRunner.check("answersEveryStepAsTheReferenceModelAndTwinsWriteIdenticalSnapshots",
        TRIALS, Programs.upTo(MAX_PROGRAM_LENGTH),
        answersAsTheModelDoes(ReferenceModel::new, dir.resolve("snapshot")));
  }

  /**
   * Three stores run the program: one whose key order has the smallest nodes, a twin with the
   * usual ones, and, from the middle of the program on, one loaded from the first's snapshot
   * there. After every step each has answered as a fresh model does, and the first holds what
   * the model holds and keeps its invariants ({@link Programs#run} checks them on each). At the
   * middle and at the end all of them write the same snapshot bytes.
   */
  static PropertyRunner.Property<List<Step>> answersAsTheModelDoes(
      Supplier<ReferenceModel> models, Path snapshotFile) {
    return program -> {
      LeasedMap store = Programs.storeWithSmallestNodes();
      LeasedMap twin = new LeasedMap();
      LeasedMap loaded = null;
      ReferenceModel model = models.get();
      int middle = program.size() / 2;
      long clock = Programs.START_MILLIS;

      for (int i = 0; i < program.size(); i++) {
        if (i == middle) {
          byte[] snapshot = snapshot(store, i);
          assertThat(snapshot(twin, i)).as("twin's snapshot before step %d", i)
              .isEqualTo(snapshot);
          Files.write(snapshotFile, snapshot);
          loaded = SnapshotFormat.read(snapshotFile).store();
          // a load checks the file's entries and totals; the structures it built must hold too
          loaded.checkInvariants();
          assertThat(StoreContents.of(loaded)).as("store loaded before step %d", i)
              .isEqualTo(model.contents());
        }
        Step step = program.get(i);
        long at = Programs.runAt(clock, step);
        Object expected = Programs.run(step, model, at);
        clock = Programs.timeAfter(clock, step);

        assertThat(Programs.run(step, store, at, AppliedTxn::apply))
            .as("answer to step %d: %s", i, step).isEqualTo(expected);
        assertThat(Programs.run(step, twin, at, AppliedTxn::apply))
            .as("twin's answer to step %d: %s", i, step).isEqualTo(expected);
        if (loaded != null) {
          assertThat(Programs.run(step, loaded, at, AppliedTxn::apply))
              .as("loaded store's answer to step %d: %s", i, step).isEqualTo(expected);
        }
        assertThat(StoreContents.of(store)).as("state after step %d: %s", i, step)
            .isEqualTo(model.contents());
      }
      byte[] last = snapshot(store, program.size());
      assertThat(snapshot(twin, program.size())).as("twin's last snapshot").isEqualTo(last);
      if (loaded != null) {
        assertThat(snapshot(loaded, program.size())).as("loaded store's last snapshot")
            .isEqualTo(last);
      }
    };
  }

  private static byte[] snapshot(LeasedMap store, long index) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SnapshotFormat.write(store, MEMBERS, TERM, index, bytes);
    return bytes.toByteArray();
  }
}
