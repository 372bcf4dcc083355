package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.pensieve.api.auth.Role;
import io.pensieve.server.auth.UsersFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code pvctl user hash}: the line it prints is one the node's users file reads. */
class UserHashTest {
  private static PvctlRun withStdin(String input, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return PvctlRun.of(args);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void printsAUsersFileLineWithABcryptHashOfThePassword() {
    PvctlRun run = withStdin("s3cret p\u00e4ss\n", "user", "hash", "ops@example.com",
        "--roles", "admin,read", "--cost", "10");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, UsersFile.User> users = UsersFile.parse("stdout", List.of(run.out().strip()));
    UsersFile.User user = users.get("ops@example.com");
    assertThat(user.roles()).isEqualTo(Set.of(Role.READ, Role.ADMIN));
    assertThat(user.cost()).isEqualTo(10);
    assertThat(user.hash()).startsWith("$2b$10$").doesNotContain("s3cret");
    assertThat(BCrypt.verifyer().verify("s3cret p\u00e4ss".toCharArray(), user.hash()).verified)
        .isTrue();
    assertThat(BCrypt.verifyer().verify("s3cret".toCharArray(), user.hash()).verified)
        .isFalse();
  }

  @Test
  void refusesWhatTheNodeWouldRefuseOrBcryptWouldCut() {
    PvctlRun empty = withStdin("\n", "user", "hash", "alice", "--roles", "read");
    PvctlRun noInput = withStdin("", "user", "hash", "alice", "--roles", "read");
    PvctlRun tooLong = withStdin("x".repeat(73) + "\n", "user", "hash", "alice",
        "--roles", "read");
    PvctlRun badName = withStdin("pw\n", "user", "hash", "al:ice", "--roles", "read");
    PvctlRun weak = withStdin("pw\n", "user", "hash", "alice", "--roles", "read",
        "--cost", "4");

    assertThat(List.of(empty, noInput, tooLong, badName, weak))
        .allSatisfy(run -> assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE))
        .allSatisfy(run -> assertThat(run.out()).isEmpty());
    assertThat(empty.err()).contains("the password is empty");
    assertThat(noInput.err()).contains("no password on standard input");
    assertThat(tooLong.err()).contains("73 bytes; bcrypt reads at most 72");
    assertThat(badName.err()).contains("no ':' or white space");
    assertThat(weak.err()).contains("--cost must be between 10 and 16");
  }
}
