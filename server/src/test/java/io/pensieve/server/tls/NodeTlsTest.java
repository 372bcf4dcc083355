package io.pensieve.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a node's PEM files: what is accepted, and what is refused naming the file. */
class NodeTlsTest {
  @TempDir
  static Path dir;
  private static DevCerts certs;
  private static DevCerts otherCa;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = DevCerts.make(dir.resolve("ca"), "n1", "n2");
    otherCa = DevCerts.make(dir.resolve("other-ca"), "n1");
  }

  @Test
  void loadsTheScriptsCertificatesAndTrustsPeersOfTheSameCa() throws Exception {
    NodeTls tls = NodeTls.load(certs.node("n1"));

    assertThat(tls.describe()).contains("CN=n1");
    assertThat(tls.keyManager().getCertificateChain(
        tls.keyManager().chooseServerAlias("EC", null, null))[0].getSubjectX500Principal()
        .getName()).contains("CN=n1");
    X509Certificate[] peer = {certificate(certs.certificate("n2"))};
    tls.trustManager().checkClientTrusted(peer, "EC");
    X509Certificate[] stranger = {certificate(otherCa.certificate("n1"))};
    assertThatThrownBy(() -> tls.trustManager().checkClientTrusted(stranger, "EC"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    TlsFiles mismatched = new TlsFiles(certs.certificate("n1"), certs.key("n2"), certs.ca());

    assertThatThrownBy(() -> NodeTls.load(mismatched))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-key")
        .hasMessageContaining(certs.key("n2").toString())
        .hasMessageContaining("does not belong to the certificate in "
            + certs.certificate("n1"));
  }

  @Test
  void garbageIsRefusedNamingTheFile() throws Exception {
    Path garbage = Files.write(dir.resolve("garbage.pem"), new byte[] {0x30, (byte) 0x82, 1, 2});

    assertThatThrownBy(() -> NodeTls.load(
        new TlsFiles(garbage, certs.key("n1"), certs.ca())))
        .hasMessageContaining("--tls-cert").hasMessageContaining(garbage.toString())
        .hasMessageContaining("not a PEM file");
    assertThatThrownBy(() -> NodeTls.load(
        new TlsFiles(certs.certificate("n1"), garbage, certs.ca())))
        .hasMessageContaining("--tls-key").hasMessageContaining(garbage.toString());
    assertThatThrownBy(() -> NodeTls.load(
        new TlsFiles(certs.certificate("n1"), certs.key("n1"), garbage)))
        .hasMessageContaining("--tls-ca").hasMessageContaining(garbage.toString());
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> NodeTls.load(new TlsFiles(certs.certificate("n1"), missing,
        certs.ca()))).hasMessage("TLS private key (--tls-key) " + missing + " does not exist");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    TlsFiles foreign = new TlsFiles(otherCa.certificate("n1"), otherCa.key("n1"), certs.ca());

    assertThatThrownBy(() -> NodeTls.load(foreign))
        .hasMessageContaining(otherCa.certificate("n1") + " is not signed by a CA in "
            + certs.ca());
  }

  @Test
  void aTraditionalKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    Path traditional = dir.resolve("traditional-key.pem");
    Process openssl = new ProcessBuilder("openssl", "pkey", "-in", certs.key("n1").toString(),
        "-traditional", "-out", traditional.toString()).inheritIO().start();
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).isZero();

    assertThatThrownBy(() -> NodeTls.load(
        new TlsFiles(certs.certificate("n1"), traditional, certs.ca())))
        .hasMessageContaining(traditional.toString())
        .hasMessageContaining("\"EC PRIVATE KEY\"")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
  }
}
