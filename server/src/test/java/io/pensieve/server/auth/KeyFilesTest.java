package io.pensieve.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.api.auth.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir
  Path dir;

  @Test
  void aSecretIsTheFilesBytesWithoutItsTrailingNewline() throws Exception {
    Path file = Files.writeString(dir.resolve("secret"), "x".repeat(32) + "\r\n");

    assertThat(KeyFiles.secret(file)).isEqualTo("x".repeat(32).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aShortSecretIsRefusedSayingHowToMakeOne() throws Exception {
    Path file = Files.writeString(dir.resolve("secret"), "too short\n");

    assertThatThrownBy(() -> KeyFiles.secret(file))
        .hasMessageContaining("is 9 bytes; HS256 needs at least 32")
        .hasMessageContaining("openssl rand -base64 48");
    assertThatThrownBy(() -> AccessControl.start(AuthSettings.hs256(file, Optional.empty(),
        Duration.ofHours(1)))).hasMessageContaining("HS256 needs at least 32");
  }

  @Test
  void aMissingFileIsNamed() {
    Path file = dir.resolve("nowhere");

    assertThatThrownBy(() -> KeyFiles.secret(file))
        .hasMessageContaining("cannot read the secret file " + file);
  }

  @Test
  void rsaKeysAreReadFromPem() throws Exception {
    KeyPair pair = Tokens.rsaKeyPair(2048);
    Path publicPem = Tokens.writePem(dir.resolve("pub.pem"), "PUBLIC KEY",
        pair.getPublic().getEncoded());
    Path privatePem = Tokens.writePem(dir.resolve("key.pem"), "PRIVATE KEY",
        pair.getPrivate().getEncoded());

    assertThat(KeyFiles.publicKey(publicPem)).isEqualTo(pair.getPublic());
    KeyFiles.requirePair(KeyFiles.publicKey(publicPem), KeyFiles.privateKey(privatePem),
        privatePem);
  }

  @Test
  void weakMismatchedOrPkcs1KeysAreRefused() throws Exception {
    KeyPair small = Tokens.rsaKeyPair(1024);
    KeyPair one = Tokens.rsaKeyPair(2048);
    KeyPair other = Tokens.rsaKeyPair(2048);
    Path smallPem = Tokens.writePem(dir.resolve("small.pem"), "PUBLIC KEY",
        small.getPublic().getEncoded());
    Path pkcs1 = Tokens.writePem(dir.resolve("rsa.pem"), "RSA PRIVATE KEY", new byte[] {1});
    Path onePublic = Tokens.writePem(dir.resolve("one.pem"), "PUBLIC KEY",
        one.getPublic().getEncoded());
    Path otherPrivate = Tokens.writePem(dir.resolve("other.pem"), "PRIVATE KEY",
        other.getPrivate().getEncoded());

    assertThatThrownBy(() -> KeyFiles.publicKey(smallPem))
        .hasMessageContaining("has 1024 bits; RS256 needs at least 2048");
    assertThatThrownBy(() -> KeyFiles.privateKey(pkcs1))
        .hasMessageContaining("holds no PEM '-----BEGIN PRIVATE KEY-----' block")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> AccessControl.start(AuthSettings.rs256(onePublic,
        Optional.of(otherPrivate), Optional.empty(), Duration.ofHours(1))))
        .hasMessageContaining("does not match the public key");
  }
}
