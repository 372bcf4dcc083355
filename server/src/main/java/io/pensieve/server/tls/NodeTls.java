package io.pensieve.server.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A node's TLS identity and the CAs it trusts, loaded once from {@link TlsFiles} and checked
 * before any port opens, so that a wrong file stops the node with a message naming it rather
 * than failing every handshake later. Each transport builds its own context from the key and
 * trust managers here.
 */
public final class NodeTls {
  /** TLS 1.3, and 1.2 for older clients; nothing older. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private final TlsFiles files;
  private final X509Certificate certificate;
  private final X509KeyManager keyManager;
  private final X509TrustManager trustManager;
  private final SSLContext sslContext;

  private NodeTls(TlsFiles files, X509Certificate certificate, X509KeyManager keyManager,
      X509TrustManager trustManager, SSLContext sslContext) {
    this.files = files;
    this.certificate = certificate;
    this.keyManager = keyManager;
    this.trustManager = trustManager;
    this.sslContext = sslContext;
  }

  /**
   * Reads and checks the files: the key belongs to the certificate, the certificate is valid
   * now, chains to one of the trusted CAs (peers check it against the same CAs) and may serve
   * and connect (peers use it both ways).
   *
   * @throws IllegalArgumentException naming the file at fault
   */
  public static NodeTls load(TlsFiles files) {
    List<X509Certificate> chain = Pem.certificates(files.certificateChain(),
        "TLS certificate (--tls-cert)");
    List<X509Certificate> cas = Pem.certificates(files.trustedCas(), "TLS CA file (--tls-ca)");
    X509Certificate leaf = chain.get(0);
    PrivateKey key = Pem.privateKey(files.privateKey(), "TLS private key (--tls-key)",
        leaf.getPublicKey().getAlgorithm());
    requireKeyMatches(key, leaf.getPublicKey(), files);
    requireValidNow(leaf, files);
    requireUsableBothWays(leaf, files);
    requireChainsToCa(chain, cas, files);
    try {
      char[] password = new char[0];
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      identity.setKeyEntry("node", key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
      keys.init(identity, password);

      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(trusted);

      X509KeyManager keyManager = only(X509KeyManager.class, keys.getKeyManagers());
      X509TrustManager trustManager = only(X509TrustManager.class, trust.getTrustManagers());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
      return new NodeTls(files, leaf, keyManager, trustManager, context);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the TLS context from " + files + ": " + e, e);
    }
  }

  /** Presents this node's certificate, to clients and (as a client) to servers. */
  public X509KeyManager keyManager() {
    return keyManager;
  }

  /** Accepts certificates that chain to the trusted CAs. */
  public X509TrustManager trustManager() {
    return trustManager;
  }

  /** For JDK clients and servers: this node's identity, the trusted CAs. */
  public SSLContext sslContext() {
    return sslContext;
  }

  /** {@link #PROTOCOLS} only, and the host name checked against the peer's certificate. */
  public SSLParameters clientParameters() {
    SSLParameters parameters = sslContext.getDefaultSSLParameters();
    parameters.setProtocols(PROTOCOLS.toArray(new String[0]));
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  public TlsFiles files() {
    return files;
  }

  /** For the start-up log line: whose certificate, until when. */
  public String describe() {
    return certificate.getSubjectX500Principal().getName() + " (expires "
        + certificate.getNotAfter().toInstant() + ")";
  }

  private static void requireKeyMatches(PrivateKey key, PublicKey publicKey, TlsFiles files) {
    String algorithm = switch (publicKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> publicKey.getAlgorithm();
      default -> throw new IllegalArgumentException("TLS certificate (--tls-cert) "
          + files.certificateChain() + " holds a " + publicKey.getAlgorithm()
          + " key; use RSA, EC or Ed25519");
    };
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException("TLS private key (--tls-key) " + files.privateKey()
          + " does not belong to the certificate in " + files.certificateChain());
    }
  }

  private static void requireValidNow(X509Certificate leaf, TlsFiles files) {
    Instant now = Instant.now();
    if (now.isBefore(leaf.getNotBefore().toInstant())
        || now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new IllegalArgumentException("TLS certificate (--tls-cert) "
          + files.certificateChain() + " is valid from " + leaf.getNotBefore().toInstant()
          + " to " + leaf.getNotAfter().toInstant() + ", not now (" + now + ")");
    }
  }

  private static void requireUsableBothWays(X509Certificate leaf, TlsFiles files) {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("TLS certificate (--tls-cert) "
          + files.certificateChain() + " has an unreadable extended key usage", e);
    }
    // no extension: any use is allowed
    if (usages != null && !(usages.contains(SERVER_AUTH) && usages.contains(CLIENT_AUTH))) {
      throw new IllegalArgumentException("TLS certificate (--tls-cert) "
          + files.certificateChain() + " must allow both serverAuth and clientAuth (extended "
          + "key usage): peers present it as servers and as clients");
    }
  }

  private static void requireChainsToCa(List<X509Certificate> chain, List<X509Certificate> cas,
      TlsFiles files) {
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate ca : cas) {
        anchors.add(new TrustAnchor(ca, null));
      }
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      // a CA given in the chain as well is the anchor, not part of the path
      List<X509Certificate> path = chain.stream().filter(cert -> !cas.contains(cert)).toList();
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS certificate (--tls-cert) "
          + files.certificateChain() + " is not signed by a CA in " + files.trustedCas()
          + " (" + e.getMessage() + "); peers trusting those CAs would refuse it", e);
    }
  }

  private static <T> T only(Class<T> type, Object[] managers) {
    for (Object manager : managers) {
      if (type.isInstance(manager)) {
        return type.cast(manager);
      }
    }
    throw new IllegalStateException("the JDK offers no " + type.getSimpleName());
  }

  @Override
  public String toString() {
    return "TLS as " + describe();
  }
}
