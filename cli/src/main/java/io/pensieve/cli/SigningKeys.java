package io.pensieve.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The key {@code token create} signs with, read by the node's rules: an HS256 secret is the
 * file's bytes without a trailing line ending, 32 or more; an RS256 key is PEM PKCS#8
 * ({@code BEGIN PRIVATE KEY}) of 2048 bits or more.
 */
record SigningKeys(JWSAlgorithm algorithm, JWSSigner signer) {
  static final int MIN_SECRET_BYTES = 32;
  static final int MIN_RSA_BITS = 2048;

  static SigningKeys secret(Path file) {
    byte[] bytes = read(file);
    int length = bytes.length;
    while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
      length--;
    }
    if (length < MIN_SECRET_BYTES) {
      throw CliError.usage("the secret in " + file + " is " + length + " bytes; HS256 needs at"
          + " least " + MIN_SECRET_BYTES + " (make one: openssl rand -base64 48 > " + file + ")");
    }
    try {
      return new SigningKeys(JWSAlgorithm.HS256, new MACSigner(Arrays.copyOf(bytes, length)));
    } catch (JOSEException e) {
      throw CliError.usage("cannot sign with " + file + ": " + e.getMessage());
    }
  }

  static SigningKeys privateKey(Path file) {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw CliError.usage(file + " holds no PEM '" + begin + "' block (PKCS#1 'BEGIN RSA"
          + " PRIVATE KEY' keys are not read; convert one: openssl pkcs8 -topk8 -nocrypt)");
    }
    RSAPrivateKey key;
    try {
      byte[] der = Base64.getDecoder().decode(
          text.substring(from + begin.length(), to).replaceAll("\\s", ""));
      key = (RSAPrivateKey) KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw CliError.usage(file + " is not an RSA private key: " + e.getMessage());
    }
    if (key.getModulus().bitLength() < MIN_RSA_BITS) {
      throw CliError.usage("the RSA key in " + file + " has " + key.getModulus().bitLength()
          + " bits; RS256 needs at least " + MIN_RSA_BITS);
    }
    return new SigningKeys(JWSAlgorithm.RS256, new RSASSASigner(key));
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw CliError.usage("cannot read " + file + ": " + e.getMessage());
    }
  }
}
