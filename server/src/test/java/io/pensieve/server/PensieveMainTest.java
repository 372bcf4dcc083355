package io.pensieve.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.api.RequestLimits;
import io.pensieve.server.auth.AuthSettings;
import io.pensieve.server.tls.TlsFiles;
import io.pensieve.store.EvictionPolicy;
import io.pensieve.store.RequestBounds;
import io.pensieve.store.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PensieveMainTest {
  private static NodeConfig parse(String... args) {
    PensieveMain main = new PensieveMain();
    new CommandLine(main).parseArgs(args);
    return main.config();
  }

  @Test
  void flagsBecomeTheNodeConfiguration() {
    NodeConfig config = parse("--node-id", "n2", "--port", "8002", "--grpc-port", "9002",
        "--raft-port", "10002", "--peers", "n1=10.0.0.1:10001,n2=10.0.0.2:10002",
        "--data-dir", "/var/lib/pensieve", "--max-entries", "1000", "--eviction-policy",
        "noeviction", "--default-ttl", "300", "--request-timeout", "2500");

    assertThat(config.nodeId()).isEqualTo("n2");
    assertThat(config.restPort()).isEqualTo(8002);
    assertThat(config.grpcPort()).isEqualTo(9002);
    assertThat(config.raftPort()).isEqualTo(10002);
    assertThat(config.peers()).containsExactly("n1=10.0.0.1:10001", "n2=10.0.0.2:10002");
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/pensieve"));
    assertThat(config.initialSettings().maxEntries()).isEqualTo(1000);
    assertThat(config.initialSettings().evictionPolicy()).isEqualTo(EvictionPolicy.NOEVICTION);
    assertThat(config.initialSettings().defaultTtlMillis()).isEqualTo(300_000);
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void withoutFlagsTheSeedsDefaultsApply() {
    NodeConfig config = parse();

    assertThat(config.restPort()).isEqualTo(7878);
    assertThat(config.grpcPort()).isEqualTo(7879);
    assertThat(config.raftPort()).isEqualTo(7880);
    assertThat(config.listenHost()).isEqualTo("0.0.0.0");
    assertThat(config.dataDir()).isEqualTo(Path.of("data", config.nodeId()));
  }

  @Test
  void outOfRangeValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> parse("--max-value-bytes", "999999999"))
        .hasMessageContaining("max_value_bytes");
    assertThatThrownBy(() -> parse("--eviction-policy", "random"))
        .hasMessageContaining("lru or noeviction");
    assertThatThrownBy(() -> parse("--node-id", "bad id"))
        .hasMessageContaining("node id");
    assertThatThrownBy(() -> parse("--port", "70000")).hasMessageContaining("REST port");
    assertThatThrownBy(() -> parse("--max-txn-ops", "-1"))
        .hasMessageContaining("max_txn_ops must be between 1 and");
    assertThatThrownBy(() -> parse("--max-range-bytes", "1024"))
        .hasMessageContaining("max_range_bytes must be between 65536 and");
  }

  @Test
  void requestBoundFlagsBecomeInitialSettingsAndZeroMeansTheDefault() {
    Settings defaults = parse().initialSettings();
    Settings set = parse("--max-range-entries", "5", "--max-range-bytes", "65536",
        "--max-delete-range-keys", "7", "--max-txn-ops", "64", "--max-leases", "1000")
        .initialSettings();

    assertThat(defaults.requestBounds()).isEqualTo(RequestBounds.DEFAULTS);
    assertThat(defaults.maxRangeEntries()).isEqualTo(RequestLimits.DEFAULT_RANGE_ENTRIES);
    assertThat(set.requestBounds()).isEqualTo(new RequestBounds(5, 65_536, 7, 64, 1000));
  }

  @Test
  void tlsIsOnWithAllThreeFilesAndRefusedWithSome() {
    assertThat(parse().tls()).isEmpty();

    NodeConfig config = parse("--tls-cert", "n1.pem", "--tls-key", "n1-key.pem",
        "--tls-ca", "ca.pem");

    assertThat(config.tls()).contains(new TlsFiles(Path.of("n1.pem"), Path.of("n1-key.pem"),
        Path.of("ca.pem")));
    assertThatThrownBy(() -> parse("--tls-cert", "n1.pem"))
        .hasMessageContaining("missing --tls-key, --tls-ca");
  }

  @Test
  void authIsOffUnlessAsked() {
    assumeAuthEnvUnset();

    assertThat(parse().auth()).isEqualTo(AuthSettings.OFF);
  }

  @Test
  void authFlagsBecomeTheAuthSettings() {
    assumeAuthEnvUnset();

    AuthSettings hs = parse("--auth", "--auth-secret-file", "/etc/pensieve/secret",
        "--auth-users-file", "/etc/pensieve/users", "--auth-token-ttl", "30m").auth();
    AuthSettings rs = parse("--auth", "--auth-public-key", "pub.pem", "--auth-private-key",
        "key.pem").auth();

    assertThat(hs.enabled()).isTrue();
    assertThat(hs.secretFile()).contains(Path.of("/etc/pensieve/secret"));
    assertThat(hs.usersFile()).contains(Path.of("/etc/pensieve/users"));
    assertThat(hs.tokenTtl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(rs.publicKey()).contains(Path.of("pub.pem"));
    assertThat(rs.privateKey()).contains(Path.of("key.pem"));
    assertThat(rs.usersFile()).isEqualTo(Optional.empty());
    assertThat(rs.tokenTtl()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void authOptionsThatCannotWorkAreRefused() {
    assumeAuthEnvUnset();

    assertThatThrownBy(() -> parse("--auth-secret-file", "secret"))
        .hasMessageContaining("authentication is off; add --auth");
    assertThatThrownBy(() -> parse("--auth")).hasMessageContaining("exactly one key");
    assertThatThrownBy(() -> parse("--auth", "--auth-secret-file", "s", "--auth-token-ttl",
        "forever")).hasMessageContaining("like 30m or 1h");
  }

  private static void assumeAuthEnvUnset() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv().keySet().stream()
        .noneMatch(name -> name.startsWith("PENSIEVE_AUTH")), "PENSIEVE_AUTH* is set");
  }
}
