package io.pensieve.statemachine.snapshot;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files in the state machine directory of a Raft group: {@code snapshot.<term>_<index>}.
 *
 * <p>A snapshot is written to a temporary file, fsynced, renamed into place and the directory
 * fsynced, so a crash leaves either the complete file or none. Integrity is the file's own
 * CRC32C; no separate digest file is kept, and Ratis computes its transfer checksum itself when
 * it sends a snapshot to a follower.
 */
public final class SnapshotStore implements StateMachineStorage {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final Pattern SNAPSHOT_FILE = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final String TEMP_SUFFIX = ".tmp";
  /** Kept when Ratis's retention setting is left at its default, which would keep them all. */
  public static final int DEFAULT_RETAINED = 3;

  private volatile Path directory;
  private volatile SingleFileSnapshotInfo latest;

  /** Writes the snapshot body; the store takes care of the file's durability. */
  @FunctionalInterface
  public interface SnapshotWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    open(raftStorage.getStorageDir().getStateMachineDir().toPath());
  }

  /** Uses {@code directory} for snapshots, creating it if needed. */
  public void open(Path directory) throws IOException {
    Files.createDirectories(directory);
    this.directory = directory;
    reload();
  }

  /** Rescans the directory, which Ratis replaces wholesale when it installs a snapshot. */
  public SingleFileSnapshotInfo reload() throws IOException {
    latest = list().stream().findFirst().orElse(null);
    return latest;
  }

  @Override
  public SingleFileSnapshotInfo getLatestSnapshot() {
    return latest;
  }

  @Override
  public void format() {
    // nothing to prepare: the directory is created on init
  }

  public Path write(TermIndex termIndex, SnapshotWriter writer) throws IOException {
    Path target = directory().resolve(fileName(termIndex));
    Path temp = directory().resolve(fileName(termIndex) + TEMP_SUFFIX);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
      writer.writeTo(out);
      out.flush();
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(directory(), StandardOpenOption.READ)) {
      dir.force(true);
    }
    latest = info(target, termIndex);
    return target;
  }

  /**
   * Keeps the newest {@code policy} snapshots ({@value #DEFAULT_RETAINED} when it is not
   * positive) and deletes the rest, with temporary files a crash left behind. Ratis calls it
   * right after taking a snapshot, on the thread that takes them, so no write is under way.
   */
  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    if (directory == null) {
      return;
    }
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory(), "*" + TEMP_SUFFIX)) {
      for (Path temp : temps) {
        Files.deleteIfExists(temp);
      }
    }
    int retained = policy == null || policy.getNumSnapshotsRetained() <= 0
        ? DEFAULT_RETAINED
        : policy.getNumSnapshotsRetained();
    List<SingleFileSnapshotInfo> snapshots = list();
    for (SingleFileSnapshotInfo old : snapshots.subList(Math.min(retained, snapshots.size()),
        snapshots.size())) {
      Path path = old.getFile().getPath();
      LOG.info("Deleting old snapshot {}", path);
      Files.deleteIfExists(path);
      // Ratis leaves an MD5 file beside a snapshot it installed
      Files.deleteIfExists(path.resolveSibling(path.getFileName() + ".md5"));
    }
  }

  /** Snapshots in the directory, newest first. */
  private List<SingleFileSnapshotInfo> list() throws IOException {
    List<SingleFileSnapshotInfo> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory())) {
      for (Path file : files) {
        parse(file).ifPresent(termIndex -> found.add(info(file, termIndex)));
      }
    }
    found.sort(Comparator.comparingLong(SingleFileSnapshotInfo::getIndex).reversed());
    return found;
  }

  private static Optional<TermIndex> parse(Path file) {
    Matcher m = SNAPSHOT_FILE.matcher(file.getFileName().toString());
    return m.matches()
        ? Optional.of(TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))))
        : Optional.empty();
  }

  private static SingleFileSnapshotInfo info(Path file, TermIndex termIndex) {
    // no digest: Ratis then computes one while it streams the file to a follower
    return new SingleFileSnapshotInfo(new FileInfo(file, null), termIndex);
  }

  private static String fileName(TermIndex termIndex) {
    return "snapshot." + termIndex.getTerm() + "_" + termIndex.getIndex();
  }

  @Override
  public String toString() {
    return "SnapshotStore[" + directory + "]";
  }

  private Path directory() {
    return Objects.requireNonNull(directory, "snapshot store not initialised");
  }
}
