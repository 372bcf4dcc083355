package io.pensieve.statemachine.snapshot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  @TempDir
  Path dir;

  private final SnapshotStore store = new SnapshotStore();

  @BeforeEach
  void open() throws IOException {
    store.open(dir);
  }

  @Test
  void aWrittenSnapshotIsInPlaceUnderItsFinalNameAndIsTheLatest() throws IOException {
    Path file = store.write(TermIndex.valueOf(2, 40), out -> out.write("body".getBytes(UTF_8)));

    assertThat(file).isEqualTo(dir.resolve("snapshot.2_40")).hasContent("body");
    assertThat(store.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(2, 40));
    assertThat(names()).containsExactly("snapshot.2_40");
  }

  @Test
  void aFailedWriteLeavesNoFileAndKeepsThePreviousLatest() throws IOException {
    store.write(TermIndex.valueOf(1, 10), out -> out.write(1));

    assertThatThrownBy(() -> store.write(TermIndex.valueOf(1, 20), out -> {
      out.write(new byte[100]);
      throw new IOException("disk full");
    })).hasMessage("disk full");

    assertThat(names()).containsExactly("snapshot.1_10");
    assertThat(store.getLatestSnapshot().getIndex()).isEqualTo(10);
  }

  @Test
  void cleanupKeepsTheNewestAndRemovesLeftovers() throws IOException {
    for (long index : new long[] {10, 30, 20, 40}) {
      store.write(TermIndex.valueOf(1, index), out -> out.write(1));
    }
    Files.writeString(dir.resolve("snapshot.1_10.md5"), "digest");
    Files.writeString(dir.resolve("snapshot.1_50.tmp"), "a crash left this");

    store.cleanupOldSnapshots(new SnapshotRetentionPolicy() {
      @Override
      public int getNumSnapshotsRetained() {
        return 2;
      }
    });

    assertThat(names()).containsExactlyInAnyOrder("snapshot.1_40", "snapshot.1_30");
  }

  @Test
  void withoutARetentionSettingTheNewestFewAreKept() throws IOException {
    for (long index = 1; index <= 5; index++) {
      store.write(TermIndex.valueOf(1, index), out -> out.write(1));
    }

    store.cleanupOldSnapshots(null);

    assertThat(names()).containsExactly("snapshot.1_3", "snapshot.1_4", "snapshot.1_5");
  }

  @Test
  void reloadFindsTheNewestSnapshotInTheDirectory() throws IOException {
    Files.writeString(dir.resolve("snapshot.4_7"), "x");
    Files.writeString(dir.resolve("snapshot.3_90"), "x");
    Files.writeString(dir.resolve("unrelated.txt"), "x");

    assertThat(store.reload().getTermIndex()).isEqualTo(TermIndex.valueOf(3, 90));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
