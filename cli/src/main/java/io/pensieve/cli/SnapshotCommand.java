package io.pensieve.cli;

import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.TakeSnapshotRequest;
import io.pensieve.proto.v1.TakeSnapshotResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "snapshot",
    description = {"Takes, downloads or restores snapshots.",
        "Takes a snapshot on a member, downloads one to a file, or writes a file's entries into"
            + " the cluster. Without a subcommand: create."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl snapshot",
        "  pvctl snapshot create --node n2",
        "  pvctl snapshot save backup.pvsn",
        "  pvctl snapshot restore backup.pvsn"})
final class SnapshotCommand implements Callable<Integer> {
  /** Every snapshot file starts with these bytes. */
  static final byte[] MAGIC = {'P', 'V', 'S', 'N'};

  @Spec
  private CommandSpec spec;

  @Option(names = "--node", paramLabel = "ID",
      description = "The member to snapshot (default: the first endpoint that answers).")
  private String node;

  @Override
  public Integer call() {
    return create(node);
  }

  @Command(name = "create",
      description = "Takes a snapshot of a member's state machine now; Ratis then purges the log"
          + " it covers.",
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl snapshot create",
          "  pvctl snapshot create --node n2 -o json"})
  int create(@Option(names = "--node", paramLabel = "ID",
      description = "The member to snapshot (default: the first endpoint that answers).")
      String nodeId) {
    Session session = Pvctl.sessionOf(spec);
    TakeSnapshotRequest request = TakeSnapshotRequest.getDefaultInstance();
    Cluster.Rpc<TakeSnapshotResponse> take = stubs -> stubs.admin().takeSnapshot(request);
    TakeSnapshotResponse taken = nodeId == null
        ? session.cluster().call(RequestKind.READ, take)
        : session.cluster().callOrFail(memberAddress(session, nodeId), RequestKind.READ, take);
    session.output().emit(ProtoJson.toJson(taken), new Fields()
        .add("node", taken.getNodeId())
        .add("index", taken.getIndex())
        .add("term", taken.getTerm())
        .add("path", taken.getPath())
        .add("size_bytes", taken.getSizeBytes()));
    return ExitCode.OK;
  }

  @Command(name = "save",
      description = "Downloads a member's latest snapshot (taken now if it has none or it is"
          + " old) to FILE: written to FILE.part, fsynced, then renamed. --timeout bounds the"
          + " whole download.",
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl snapshot save backup.pvsn",
          "  pvctl snapshot save /backups/n2.pvsn --node n2 --timeout 5m"})
  int save(
      @Parameters(paramLabel = "FILE", description = "Where to write the snapshot.") Path file,
      @Option(names = "--node", paramLabel = "ID",
          description = "The member to download from (default: the first endpoint that"
              + " answers).") String nodeId) {
    Session session = Pvctl.sessionOf(spec);
    SnapshotDownload download = new SnapshotDownload(file);
    SnapshotDownload.Saved saved;
    try {
      saved = nodeId == null
          ? session.cluster().call(RequestKind.READ, download::fetch)
          : session.cluster().callOrFail(memberAddress(session, nodeId), RequestKind.READ,
              download::fetch);
      download.commit();
    } catch (UncheckedIOException e) {
      download.discard();
      throw CliError.failed("cannot write " + file + ": " + describe(e.getCause()));
    } catch (RuntimeException e) {
      download.discard();
      throw e;
    }
    TakeSnapshotResponse snapshot = saved.snapshot();
    session.output().emit(ProtoJson.object()
            .put("file", file.toString())
            .put("node_id", snapshot.getNodeId())
            .put("index", snapshot.getIndex())
            .put("term", snapshot.getTerm())
            .put("size_bytes", saved.bytes()),
        new Fields()
            .add("file", file)
            .add("node", snapshot.getNodeId())
            .add("index", snapshot.getIndex())
            .add("term", snapshot.getTerm())
            .add("size_bytes", saved.bytes()));
    return ExitCode.OK;
  }

  @Command(name = "restore",
      description = "Writes a snapshot file's leases, settings and entries (in LRU order) into"
          + " the cluster, through the log. Leases keep their ids and their keys, and start with"
          + " their full TTL when the restore ends; a lease id the cluster holds already is"
          + " refused before anything is written. Revisions are the cluster's own; entries"
          + " already expired are skipped. --timeout bounds the whole upload.",
      footerHeading = "%nExamples:%n",
      footer = {
          "  pvctl snapshot restore backup.pvsn",
          "  pvctl snapshot restore backup.pvsn --timeout 10m -o json"})
  int restore(
      @Parameters(paramLabel = "FILE", description = "A file written by 'pvctl snapshot save'.")
      Path file) {
    checkSnapshotFile(file);
    Session session = Pvctl.sessionOf(spec);
    RestoreSnapshotResponse restored;
    try {
      restored = session.cluster().call(RequestKind.WRITE, stubs -> SnapshotUpload.send(stubs, file));
    } catch (UncheckedIOException e) {
      throw CliError.failed("cannot read " + file + ": " + describe(e.getCause()));
    }
    session.output().emit(ProtoJson.toJson(restored), new Fields()
        .add("restored", restored.getRestored())
        .add("skipped_expired", restored.getSkippedExpired())
        .add("leases", restored.getLeases()));
    return ExitCode.OK;
  }

  /** Refuses, before any call, a file that cannot be read or is no snapshot. */
  private void checkSnapshotFile(Path file) {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(MAGIC.length);
    } catch (IOException e) {
      throw usage("restore", "cannot read " + file + ": " + describe(e));
    }
    if (!Arrays.equals(head, MAGIC)) {
      throw usage("restore", file + " is not a Pensieve snapshot file (it does not start with"
          + " PVSN)");
    }
  }

  /** An I/O failure in a few words: {@code no such file}, or the exception's message. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private picocli.CommandLine.ParameterException usage(String subcommand, String message) {
    return new picocli.CommandLine.ParameterException(
        spec.commandLine().getSubcommands().get(subcommand), message);
  }

  private static String memberAddress(Session session, String nodeId) {
    return Members.grpcAddress(Members.find(Members.list(session.cluster()), nodeId));
  }
}
