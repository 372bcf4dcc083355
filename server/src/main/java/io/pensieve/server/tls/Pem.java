package io.pensieve.server.tls;

import io.pensieve.api.auth.PemBlock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PEM files: the Base64 blocks between {@code -----BEGIN X-----} and {@code -----END
 * X-----}, decoded by the JDK's certificate and key factories. Every failure is an {@link
 * IllegalArgumentException} that names the file and says what to do.
 */
public final class Pem {
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String PKCS8_KEY = "PRIVATE KEY";

  private Pem() {}

  /** Every certificate in {@code file}, in order. */
  static List<X509Certificate> certificates(Path file, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(file, what, CERTIFICATE)) {
        certificates.add((X509Certificate) factory.generateCertificate(
            new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + " " + file + " holds a certificate that cannot "
          + "be parsed: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(what + " " + file + " holds no PEM certificate "
          + "(-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  /**
   * The PKCS#8 private key in {@code file}, of the algorithm of the certificate it belongs to
   * ({@code RSA}, {@code EC}, {@code EdDSA}).
   */
  static PrivateKey privateKey(Path file, String what, String algorithm) {
    List<byte[]> keys = blocks(file, what, PKCS8_KEY);
    if (keys.size() != 1) {
      throw new IllegalArgumentException(what + " " + file + " must hold exactly one PKCS#8 "
          + "private key (-----BEGIN PRIVATE KEY-----), found " + keys.size());
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(
          new PKCS8EncodedKeySpec(keys.get(0)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(what + " " + file + " is not a " + algorithm
          + " private key, the kind the certificate holds: " + e.getMessage(), e);
    }
  }

  /** The decoded blocks labelled {@code label}; other labels get a hint or are skipped. */
  private static List<byte[]> blocks(Path file, String what, String label) {
    String text = read(file, what);
    List<byte[]> blocks = new ArrayList<>();
    for (PemBlock block : PemBlock.parse(text)) {
      String found = block.label();
      if (found.equals(label)) {
        try {
          blocks.add(block.decode());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(what + " " + file + " has a " + label
              + " block that is not Base64: " + e.getMessage(), e);
        }
      } else if (label.equals(PKCS8_KEY) && found.endsWith("PRIVATE KEY")) {
        throw new IllegalArgumentException(what + " " + file + " holds a \"" + found + "\"; "
            + "give an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----), e.g. "
            + "openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem");
      }
    }
    if (blocks.isEmpty() && !text.contains("-----BEGIN ")) {
      throw new IllegalArgumentException(what + " " + file + " is not a PEM file "
          + "(no -----BEGIN " + label + "----- line)");
    }
    return blocks;
  }

  private static String read(Path file, String what) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e, e);
    }
  }
}
