package io.pensieve.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.pensieve.api.auth.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsersFileTest {
  private static final String HASH = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());

  @Test
  void linesBecomeUsersCommentsAndBlankLinesAreSkipped() {
    Map<String, UsersFile.User> users = UsersFile.parse("users", List.of(
        "# name:roles:hash",
        "",
        "alice:read,write:" + HASH,
        "  ops@example.com:admin:" + HASH + "  ",
        "htpasswd:read:" + HASH.replace("$2a$", "$2y$")));

    assertThat(users).containsOnlyKeys("alice", "ops@example.com", "htpasswd");
    assertThat(users.get("alice").roles()).isEqualTo(Set.of(Role.READ, Role.WRITE));
    assertThat(users.get("ops@example.com").roles()).isEqualTo(Set.of(Role.ADMIN));
    assertThat(users.get("alice").cost()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "alice:read                     | line 2: expected name:roles:hash, got 2 field(s)",
      "alice:read:HASH:extra          | line 2: expected name:roles:hash, got 4 field(s)",
      ":read:HASH                     | line 2: a user name is 1 to 128 characters",
      "al ice:read:HASH               | line 2: a user name is 1 to 128 characters",
      "alice:root:HASH                | line 2: unknown role 'root'; roles are read, write and admin",
      "alice::HASH                    | line 2: unknown role ''",
      "alice:read,,write:HASH         | line 2: unknown role ''",
      "alice:read:secret              | line 2: the hash of 'alice' is not a bcrypt hash",
      "alice:read:$2b$03$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0 | line 2: the bcrypt cost of 'alice' must be between 4 and 31"})
  void malformedLinesAreRefusedNamingTheLine(String line, String message) {
    List<String> lines = List.of("# users", line.replace("HASH", HASH));

    assertThatThrownBy(() -> UsersFile.parse("users.txt", lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("users file users.txt " + message.split(":", -1)[0] + ":")
        .hasMessageContaining(message);
  }

  @Test
  void aUserListedTwiceIsRefused() {
    assertThatThrownBy(() -> UsersFile.parse("users.txt", List.of(
        "alice:read:" + HASH, "bob:read:" + HASH, "alice:admin:" + HASH)))
        .hasMessage("users file users.txt line 3: user 'alice' is listed twice");
  }

  @Test
  void theHashIsNotEchoedInErrors() {
    String almost = HASH.substring(0, 50);
    assertThatThrownBy(() -> UsersFile.parse("u", List.of("alice:read:" + almost)))
        .message().doesNotContain(almost);
  }
}
