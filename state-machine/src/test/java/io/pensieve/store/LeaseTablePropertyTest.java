package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.store.LeaseTableModel.PlantedBug;
import io.pensieve.store.LeaseTablePrograms.Step;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease table against a deliberately naive model of the same rules, on random programs. */
class LeaseTablePropertyTest {
  static final int TRIALS = 1000;
  static final int MAX_PROGRAM_LENGTH = 100;

  @Test
  void answersEveryCommandAndReadAsTheReferenceModelDoesAndSnapshotsAgree() {
    PropertyRunner.check("answersEveryCommandAndReadAsTheReferenceModelDoesAndSnapshotsAgree",
        TRIALS, LeaseTablePrograms.upTo(MAX_PROGRAM_LENGTH), answersAsTheModelDoes(PlantedBug.NONE));
  }

  /**
   * After every step: the table answered as a fresh model does, holds what the model holds and
   * keeps its invariants; a second table fed the same program, but reloaded from its own
   * snapshot every third step (as a follower that installed a snapshot), answered the same and
   * writes the same snapshot bytes; and a snapshot round trip gives an equal table.
   */
  static PropertyRunner.Property<List<Step>> answersAsTheModelDoes(PlantedBug bug) {
    return program -> {
      int max = LeaseTablePrograms.MAX_LEASES;
      LeaseTable table = new LeaseTable(max);
      LeaseTable reloaded = new LeaseTable(max);
      LeaseTableModel model = new LeaseTableModel(bug, max);
      long clock = LeaseTablePrograms.START_MILLIS;

      for (int i = 0; i < program.size(); i++) {
        Step step = program.get(i);
        String expected = model.run(step, clock);
        String actual = LeaseTablePrograms.run(step, table, clock);
        String actualReloaded = LeaseTablePrograms.run(step, reloaded, clock);
        clock = LeaseTablePrograms.clockAfter(clock, step);

        assertThat(actual).as("answer to step %d: %s", i, step).isEqualTo(expected);
        assertThat(actualReloaded).as("reloaded table's answer to step %d: %s", i, step)
            .isEqualTo(expected);
        table.checkInvariants();
        assertThat(LeaseTablePrograms.contents(table)).as("table after step %d: %s", i, step)
            .isEqualTo(model.contents());

        byte[] snapshot = snapshot(table);
        assertThat(snapshot(reloaded)).as("reloaded table's snapshot after step %d", i)
            .isEqualTo(snapshot);
        LeaseTable roundTripped = load(snapshot, max);
        assertThat(LeaseTablePrograms.contents(roundTripped)).isEqualTo(model.contents());
        assertThat(snapshot(roundTripped)).isEqualTo(snapshot);
        if (i % 3 == 2) {
          reloaded = roundTripped;
        }
      }
    };
  }

  static byte[] snapshot(LeaseTable table) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      table.writeTo(out);
    }
    return bytes.toByteArray();
  }

  static LeaseTable load(byte[] snapshot, int maxLeases) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
    LeaseTable table = LeaseTable.readFrom(in, maxLeases);
    assertThat(in.read()).as("bytes left after the lease table").isEqualTo(-1);
    return table;
  }
}
