package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.cluster.TestCluster;
import io.pensieve.server.tls.DevCerts;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** pvctl against a node with TLS: {@code --cacert} works, a missing or wrong CA is explained. */
class PvctlTlsIT {
  @TempDir
  static Path certDir;
  private static DevCerts certs;

  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(1,
      builder -> builder.tls(certs().node(builder.nodeId())));

  private static String endpoint;

  /** Made when the node is configured, after the temporary directory. */
  private static synchronized DevCerts certs() {
    if (certs == null) {
      certs = DevCerts.make(certDir.resolve("cluster"), "n1");
    }
    return certs;
  }

  @BeforeAll
  static void endpoint() {
    endpoint = "127.0.0.1:" + cluster.nodes().get(0).grpcPort();
  }

  private static PvctlRun pvctl(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--endpoints";
    all[1] = endpoint;
    System.arraycopy(args, 0, all, 2, args.length);
    return PvctlRun.of(all);
  }

  @Test
  void withTheCaPvctlWritesReadsAndListsMembers() {
    String ca = certs.ca().toString();

    PvctlRun put = pvctl("--cacert", ca, "put", "greeting", "hello");
    PvctlRun get = pvctl("get", "greeting", "--cacert", ca);
    PvctlRun members = pvctl("--cacert", ca, "member", "list");

    assertThat(put.exitCode()).as(put.toString()).isZero();
    assertThat(get.out()).as(get.toString()).contains("value: hello\n");
    assertThat(members.out()).as(members.toString()).containsPattern("(?m)^n1 +LEADER +"
        + endpoint.replace(".", "\\.") + " ");
  }

  @Test
  void withoutTheCaTheNodeClosesTheConnectionAndPvctlSaysWhy() {
    PvctlRun list = pvctl("member", "list");

    assertThat(list.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(list.err()).isEqualTo("pvctl: no endpoint answered: " + endpoint
        + " (the node closed the connection; if it uses TLS, give --cacert)\n");
  }

  @Test
  void anotherCaIsRefusedAndAWriteIsKnownNotApplied() throws Exception {
    DevCerts other = DevCerts.make(certDir.resolve("other"), "n1");

    PvctlRun put = pvctl("--cacert", other.ca().toString(), "put", "k", "v");

    assertThat(put.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(put.err()).isEqualTo("pvctl: no endpoint answered: " + endpoint + " (TLS "
        + "handshake failed: the node's certificate is not signed by a CA in --cacert)\n");
  }

  @Test
  void aFileWithoutCertificatesIsAUsageError() {
    PvctlRun list = pvctl("--cacert", certs.key("n1").toString(), "member", "list");

    assertThat(list.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(list.err()).startsWith("pvctl: --cacert " + certs.key("n1")
        + " holds no PEM CA certificate");
  }
}
