package io.pensieve.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Tokens for tests, good and bad, signed with nimbus directly (not with the code under test). */
public final class Tokens {
  private Tokens() {}

  /** Claims for {@code subject} with {@code roles}, expiring {@code ttl} from now. */
  public static JWTClaimsSet.Builder claims(String subject, Duration ttl, String... roles) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().subject(subject).claim("roles", List.of(roles))
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)));
  }

  public static String hs256(byte[] secret, JWTClaimsSet claims) {
    try {
      return sign(JWSAlgorithm.HS256, new MACSigner(secret), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String rs256(RSAPrivateKey key, JWTClaimsSet claims) {
    return sign(JWSAlgorithm.RS256, new RSASSASigner(key), claims);
  }

  /** {@code alg: none}: claims anyone could write. */
  public static String unsigned(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  private static String sign(JWSAlgorithm algorithm, JWSSigner signer, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  public static KeyPair rsaKeyPair(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a key as PEM ({@code PUBLIC KEY} or {@code PRIVATE KEY}) and returns the file. */
  public static Path writePem(Path file, String type, byte[] der) throws Exception {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    Files.writeString(file, "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type
        + "-----\n");
    return file;
  }
}
