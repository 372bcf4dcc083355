package io.pensieve.cli;

import static io.pensieve.cli.PvctlAssertions.fails;
import static io.pensieve.cli.PvctlAssertions.json;
import static io.pensieve.cli.PvctlAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pensieve.server.cluster.TestCluster;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built launcher, {@code target/pvctl/bin/pvctl}, as a process: what it adds to the
 * commands ({@link PvctlCommandsIT}) — arguments decoded as UTF-8 whatever the locale, exit codes
 * as the shell sees them, help, version and completion. The first endpoint given is a dead port.
 */
class PvctlLauncherIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(1);

  private static String deadEndpoint;
  private static Launcher pvctl;

  @BeforeAll
  static void launcher() throws IOException {
    deadEndpoint = "127.0.0.1:" + Launcher.freePort();
    pvctl = Launcher.withArgs("--endpoints",
        deadEndpoint + ",127.0.0.1:" + cluster.nodes().get(0).grpcPort());
  }

  @Test
  void keysAndValuesAreUtf8EvenUnderTheCLocale() {
    Launcher cLocale = pvctl.withEnv("LC_ALL", "C").withEnv("LANG", "C");

    ok(cLocale.run("put", "clé", "välue ✓"));

    JsonNode got = json(ok(cLocale.run("get", "clé", "-o", "json")));
    assertThat(got.get("key").asText()).isEqualTo("clé");
    assertThat(got.get("value").asText()).isEqualTo("välue ✓");
    assertThat(ok(cLocale.run("get", "clé")).out()).contains("value: välue ✓\n");
  }

  @Test
  void usageErrorsExitTwo() {
    fails(pvctl.run("get"), 2, "Missing required parameter: 'KEY'");
    fails(pvctl.run("cas", "k", "v"), 2, "--if-version");
    fails(pvctl.run("member", "add", "n4", "nohost"), 2, "'nohost' is not host:port");
  }

  @Test
  void noEndpointAnsweringExitsThree() throws IOException {
    String other = "127.0.0.1:" + Launcher.freePort();

    PvctlRun result = Launcher.withArgs("--endpoints", deadEndpoint + "," + other).run("get", "k");

    fails(result, 3, "no endpoint answered: " + deadEndpoint + " (connection refused), " + other
        + " (connection refused)");
  }

  @Test
  void versionHelpAndCompletion() {
    assertThat(ok(pvctl.run("--version")).out()).startsWith("pvctl 0.");
    assertThat(ok(pvctl.run("--help")).out()).startsWith("Usage: pvctl ").contains("Examples:");
    assertThat(ok(pvctl.run("snapshot", "save", "--help")).out())
        .startsWith("Usage: pvctl snapshot save ").contains("Examples:");
    assertThat(ok(pvctl.run("completion", "bash")).out()).contains("complete -F _complete_pvctl");
  }
}
