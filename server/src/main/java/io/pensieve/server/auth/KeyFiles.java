package io.pensieve.server.auth;

import io.pensieve.server.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the keys tokens are signed and verified with, refusing weak or mismatched ones with a
 * message that says how to make a good one. PEM is decoded with the JDK's own key factories.
 */
public final class KeyFiles {
  private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
  /** HS256 is as strong as its key: RFC 7518 asks for at least the hash's 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;
  public static final int MIN_RSA_BITS = 2048;

  private KeyFiles() {}

  /** The secret: the file's bytes, a trailing line ending removed (as {@code echo} leaves). */
  public static byte[] secret(Path file) {
    byte[] bytes = read(file, "secret file");
    int length = bytes.length;
    while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
      length--;
    }
    if (length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the secret in " + file + " is " + length
          + " bytes; HS256 needs at least " + MIN_SECRET_BYTES
          + " (make one: openssl rand -base64 48 > " + file + ")");
    }
    warnIfOthersCanRead(file, "secret file");
    return Arrays.copyOf(bytes, length);
  }

  /** An RSA public key, PEM {@code -----BEGIN PUBLIC KEY-----}. */
  public static RSAPublicKey publicKey(Path file) {
    byte[] der = pem(file, "PUBLIC KEY",
        "openssl rsa -in private.pem -pubout -out " + file.getFileName());
    RSAPublicKey key;
    try {
      key = (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(file + " is not an RSA public key: " + e.getMessage());
    }
    requireStrong(file, key.getModulus().bitLength());
    return key;
  }

  /** An RSA private key, PEM PKCS#8 {@code -----BEGIN PRIVATE KEY-----}. */
  public static RSAPrivateCrtKey privateKey(Path file) {
    byte[] der = pem(file, "PRIVATE KEY",
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "
            + file.getFileName() + ", or convert one: openssl pkcs8 -topk8 -nocrypt");
    RSAPrivateCrtKey key;
    try {
      key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(file + " is not an RSA private key: " + e.getMessage());
    }
    requireStrong(file, key.getModulus().bitLength());
    warnIfOthersCanRead(file, "private key");
    return key;
  }

  /** Refuses a private key that does not belong to the public key. */
  public static void requirePair(RSAPublicKey publicKey, RSAPrivateCrtKey privateKey,
      Path privateFile) {
    if (!publicKey.getModulus().equals(privateKey.getModulus())
        || !publicKey.getPublicExponent().equals(privateKey.getPublicExponent())) {
      throw new IllegalArgumentException("the private key " + privateFile
          + " does not match the public key: tokens it signs would be refused");
    }
  }

  private static byte[] pem(Path file, String type, String howToMake) {
    String text = new String(read(file, type.toLowerCase(Locale.ROOT)), StandardCharsets.US_ASCII);
    Pem.Block block = Pem.parse(text).stream().filter(b -> b.label().equals(type))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(file + " holds no PEM '"
            + "-----BEGIN " + type + "-----' block (PKCS#1 'BEGIN RSA ...' keys are not read);"
            + " make one: " + howToMake));
    try {
      return block.decode();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the PEM block is not base64");
    }
  }

  private static void requireStrong(Path file, int bits) {
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException("the RSA key in " + file + " has " + bits
          + " bits; RS256 needs at least " + MIN_RSA_BITS);
    }
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the " + what + " " + file + ": " + e);
    }
  }

  /** Anyone who can read a signing key can mint an admin token. */
  static void warnIfOthersCanRead(Path file, String what) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("The {} {} is readable by every user of this machine; chmod 600 it", what,
            file);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing to check
    }
  }
}
