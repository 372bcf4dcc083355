package io.pensieve.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.pensieve.api.auth.Role;
import io.pensieve.api.auth.TokenSigner.SignedToken;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.kv.KvException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PasswordLoginTest {
  private static final byte[] SECRET = "a secret of at least thirty-two bytes"
      .getBytes(StandardCharsets.US_ASCII);
  private final PasswordLogin login = new PasswordLogin(Map.of("alice",
      new UsersFile.User("alice", EnumSet.of(Role.READ, Role.WRITE),
          BCrypt.withDefaults().hashToString(4, "correct horse".toCharArray()))),
      TokenIssuer.hs256(SECRET, Duration.ofMinutes(10), Clock.systemUTC()));

  @AfterEach
  void close() {
    login.close();
  }

  @Test
  void theRightPasswordGetsATokenWithTheUsersRoles() {
    SignedToken token = login.login("alice", "correct horse", "test").join();

    Principal principal = TokenVerifier.hs256(SECRET).verify(token.token());
    assertThat(principal.subject()).isEqualTo("alice");
    assertThat(principal.roles()).containsExactlyInAnyOrder(Role.READ, Role.WRITE);
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
    for (String[] attempt : new String[][] {{"alice", "wrong"}, {"mallory", "correct horse"},
        {"alice", "x".repeat(100)}, {"alice", ""}}) {
      assertThatThrownBy(() -> login.login(attempt[0], attempt[1], "test").join())
          .hasCauseInstanceOf(KvException.class)
          .cause().hasMessage("wrong user name or password")
          .extracting(e -> ((KvException) e).code())
          .isEqualTo(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    }
  }
}
