package io.pensieve.server.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.api.auth.TokenLifetime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {
  private static final Optional<Path> FILE = Optional.of(Path.of("f"));
  private static final Optional<Path> NONE = Optional.empty();
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void authFilesWithoutAuthAreRefusedRatherThanLeavingTheNodeOpen() {
    assertThatThrownBy(() -> new AuthSettings(false, FILE, NONE, NONE, NONE, HOUR))
        .hasMessageContaining("authentication is off; add --auth");
  }

  @Test
  void exactlyOneVerificationKey() {
    assertThatThrownBy(() -> new AuthSettings(true, NONE, NONE, NONE, NONE, HOUR))
        .hasMessageContaining("exactly one key");
    assertThatThrownBy(() -> new AuthSettings(true, FILE, FILE, NONE, NONE, HOUR))
        .hasMessageContaining("exactly one key");
    assertThatThrownBy(() -> new AuthSettings(true, FILE, NONE, FILE, NONE, HOUR))
        .hasMessageContaining("give its --auth-public-key too");
  }

  @Test
  void loginOnAnRs256NodeNeedsThePrivateKey() {
    assertThatThrownBy(() -> new AuthSettings(true, NONE, FILE, NONE, FILE, HOUR))
        .hasMessageContaining("give --auth-private-key");
  }

  @Test
  void theTokenLifetimeIsBounded() {
    assertThatThrownBy(() -> new AuthSettings(true, FILE, NONE, NONE, NONE, Duration.ofDays(8)))
        .hasMessageContaining("--auth-token-ttl must be between 1s and 7d");
    assertThatThrownBy(() -> TokenLifetime.parse("1 hour"))
        .hasMessageContaining("like 30m or 1h");
  }
}
