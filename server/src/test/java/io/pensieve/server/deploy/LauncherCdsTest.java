package io.pensieve.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class data sharing archive ({@code PENSIEVE_CDS_DIR}): run on an installed
 * tree of empty jars, with a {@code java} that prints the arguments it was given.
 */
class LauncherCdsTest {
  private static final Path LAUNCHER = repo().resolve("deploy/bin/pensieve");

  @TempDir
  Path root;
  private Path home;
  private Path javaHome;
  private Path cds;

  @BeforeEach
  void installTree() throws IOException {
    home = root.resolve("opt");
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("lib"));
    Files.copy(LAUNCHER, home.resolve("bin/pensieve"));
    Files.writeString(home.resolve("pensieve-server.jar"), "server");
    Files.writeString(home.resolve("lib/ratis.jar"), "ratis");
    javaHome = root.resolve("jdk");
    Files.createDirectories(javaHome.resolve("bin"));
    Path java = javaHome.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    cds = root.resolve("cds");
    Files.createDirectories(cds);
    age(home.resolve("pensieve-server.jar"), 60);
    age(home.resolve("lib/ratis.jar"), 60);
  }

  @Test
  void withoutACdsDirectoryTheJvmGetsNoArchiveFlag() throws Exception {
    assertThat(launch(Map.of())).noneMatch(arg -> arg.contains("Archive"));
  }

  @Test
  void theFirstRunWritesTheArchiveAtExitAndTheNextOnesUseIt() throws Exception {
    String write = archiveFlag(launch(Map.of("PENSIEVE_CDS_DIR", cds.toString())));
    assertThat(write).startsWith("-XX:ArchiveClassesAtExit=" + cds + "/pensieve-").endsWith(".jsa");
    Path archive = Path.of(write.substring(write.indexOf('=') + 1));
    Files.writeString(archive, "classes"); // what the JVM writes as it exits

    assertThat(archiveFlag(launch(Map.of("PENSIEVE_CDS_DIR", cds.toString()))))
        .isEqualTo("-XX:SharedArchiveFile=" + archive);
  }

  @Test
  void aJarNewerThanTheArchiveMakesTheLauncherWriteAnotherAndDropTheOld() throws Exception {
    String write = archiveFlag(launch(Map.of("PENSIEVE_CDS_DIR", cds.toString())));
    Path archive = Path.of(write.substring(write.indexOf('=') + 1));
    Files.writeString(archive, "classes");
    age(archive, 30);
    Files.writeString(home.resolve("lib/ratis.jar"), "ratis, upgraded");

    assertThat(archiveFlag(launch(Map.of("PENSIEVE_CDS_DIR", cds.toString()))))
        .startsWith("-XX:ArchiveClassesAtExit=" + cds + "/pensieve-");
    assertThat(archive).doesNotExist();
  }

  /** The arguments the launcher gave java; node flags pass through after the class name. */
  private List<String> launch(Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sh", home.resolve("bin/pensieve").toString(),
        "--node-id", "n1").redirectErrorStream(true);
    builder.environment().remove("PENSIEVE_CDS_DIR");
    builder.environment().put("JAVA_HOME", javaHome.toString());
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    List<String> args = output.lines().toList();
    assertThat(args).endsWith("io.pensieve.server.PensieveMain", "--node-id", "n1");
    return args;
  }

  private static String archiveFlag(List<String> args) {
    List<String> flags = args.stream().filter(arg -> arg.contains("Archive")).toList();
    assertThat(flags).hasSize(1);
    return flags.get(0);
  }

  private static void age(Path file, long seconds) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(seconds)));
  }

  private static Path repo() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("deploy/bin/pensieve"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no deploy/bin/pensieve above " + Path.of("").toAbsolutePath());
  }
}
