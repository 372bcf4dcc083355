package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.auth.AuthSettings;
import io.pensieve.server.cluster.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pvctl against a node that runs with --auth: the token it signs offline is accepted, sent as
 * metadata on every call, and a missing or too weak token exits 4 saying why.
 */
class PvctlAuthIT {
  private static final Path DIR = secretDir();

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(1, builder -> builder.auth(
      AuthSettings.hs256(DIR.resolve("secret"), Optional.empty(), Duration.ofMinutes(5))));

  private static Path secretDir() {
    try {
      Path dir = Files.createTempDirectory("pvctl-auth-");
      Files.writeString(dir.resolve("secret"), "pvctl-auth-test-secret-0123456789abcdef\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void removeSecret() throws IOException {
    try (var files = Files.list(DIR)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(DIR);
  }

  private static String endpoint() {
    return "127.0.0.1:" + cluster.nodes().get(0).grpcPort();
  }

  /** A token made by pvctl itself, written to a file as an operator would. */
  private static Path tokenFile(String roles) throws IOException {
    PvctlRun created = PvctlRun.of("token", "create", "--secret-file",
        DIR.resolve("secret").toString(), "--user", "it-" + roles.replace(',', '-'),
        "--roles", roles);
    assertThat(created.exitCode()).as(created.err()).isZero();
    return Files.writeString(DIR.resolve("token-" + roles), created.out());
  }

  @Test
  void aTokenWithTheRightRoleIsSentWithEveryCall() throws IOException {
    Path admin = tokenFile("admin");

    PvctlRun put = PvctlRun.of("--endpoints", endpoint(), "--token-file", admin.toString(),
        "put", "greeting", "hello");
    PvctlRun get = PvctlRun.of("--endpoints", endpoint(), "--token-file", admin.toString(),
        "get", "greeting");
    PvctlRun members = PvctlRun.of("--endpoints", endpoint(), "--token-file", admin.toString(),
        "member", "list");

    assertThat(put.exitCode()).as(put.err()).isZero();
    assertThat(get.out()).contains("hello");
    assertThat(members.exitCode()).as(members.err()).isZero();
    assertThat(members.out()).contains("n1").contains("LEADER");
  }

  @Test
  void noTokenExitsFourAndSaysHowToGiveOne() {
    PvctlRun run = PvctlRun.of("--endpoints", endpoint(), "member", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_ALLOWED);
    assertThat(run.err()).startsWith("pvctl: ").contains("(unauthenticated)")
        .contains("--token-file");
  }

  @Test
  void aReadTokenCannotWriteNorChangeTheCluster() throws IOException {
    Path read = tokenFile("read");

    PvctlRun list = PvctlRun.of("--endpoints", endpoint(), "--token-file", read.toString(),
        "member", "list");
    PvctlRun put = PvctlRun.of("--endpoints", endpoint(), "--token-file", read.toString(),
        "put", "k", "v");
    PvctlRun snapshot = PvctlRun.of("--endpoints", endpoint(), "--token", Files.readString(read)
        .strip(), "snapshot", "create");

    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(put.exitCode()).isEqualTo(ExitCode.NOT_ALLOWED);
    assertThat(put.err()).contains("lacks the write role").contains("(permission_denied)");
    assertThat(snapshot.exitCode()).isEqualTo(ExitCode.NOT_ALLOWED);
    assertThat(snapshot.err()).contains("lacks the admin role");
  }
}
