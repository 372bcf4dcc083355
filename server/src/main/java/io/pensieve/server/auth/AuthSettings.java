package io.pensieve.server.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node authenticates requests. Off by default: every route is open, as in the local quick
 * start. On, every request but the open ones (see {@link Access#OPEN}) needs a JWT bearer token
 * signed with the one configured key:
 *
 * <ul>
 *   <li>HS256 with a shared secret ({@code secretFile}: its bytes, a trailing line ending
 *       removed, at least 32 of them), which also signs the tokens {@code /login} issues;
 *   <li>or RS256 with an RSA public key ({@code publicKey}, PEM {@code BEGIN PUBLIC KEY}, at
 *       least 2048 bits); {@code privateKey} (PEM PKCS#8 {@code BEGIN PRIVATE KEY}) lets the node
 *       issue tokens on {@code /login} too.
 * </ul>
 *
 * @param enabled whether requests need a token
 * @param secretFile the HS256 secret
 * @param publicKey the RS256 verification key
 * @param privateKey the RS256 signing key, matching {@code publicKey}
 * @param usersFile the users {@code /login} accepts (see {@link UsersFile}); none: no login
 * @param tokenTtl how long a token issued by {@code /login} is valid
 */
public record AuthSettings(
    boolean enabled,
    Optional<Path> secretFile,
    Optional<Path> publicKey,
    Optional<Path> privateKey,
    Optional<Path> usersFile,
    Duration tokenTtl) {

  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
  /** Tokens cannot be revoked one by one (rotate the key for that): keep them short-lived. */
  public static final Duration MAX_TOKEN_TTL = Duration.ofDays(7);
  public static final AuthSettings OFF = new AuthSettings(false, Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_TOKEN_TTL);

  public AuthSettings {
    Objects.requireNonNull(secretFile, "secret file");
    Objects.requireNonNull(publicKey, "public key");
    Objects.requireNonNull(privateKey, "private key");
    Objects.requireNonNull(usersFile, "users file");
    if (tokenTtl == null || tokenTtl.compareTo(Duration.ofSeconds(1)) < 0
        || tokenTtl.compareTo(MAX_TOKEN_TTL) > 0) {
      throw new IllegalArgumentException("--auth-token-ttl must be between 1s and "
          + MAX_TOKEN_TTL.toDays() + "d, got " + tokenTtl);
    }
    if (enabled) {
      requireOneKey(secretFile, publicKey, privateKey, usersFile);
    } else if (secretFile.isPresent() || publicKey.isPresent() || privateKey.isPresent()
        || usersFile.isPresent()) {
      // a key given without --auth would leave the node open while its operator thinks not
      throw new IllegalArgumentException("auth files are given but authentication is off;"
          + " add --auth (env PENSIEVE_AUTH=true) or remove the --auth-* options");
    }
  }

  private static void requireOneKey(Optional<Path> secretFile, Optional<Path> publicKey,
      Optional<Path> privateKey, Optional<Path> usersFile) {
    if (secretFile.isPresent() == publicKey.isPresent()) {
      throw new IllegalArgumentException("--auth needs exactly one key: --auth-secret-file"
          + " (HS256) or --auth-public-key (RS256)");
    }
    if (privateKey.isPresent() && publicKey.isEmpty()) {
      throw new IllegalArgumentException("--auth-private-key signs RS256 tokens; give its"
          + " --auth-public-key too (with --auth-secret-file, the secret signs)");
    }
    if (usersFile.isPresent() && publicKey.isPresent() && privateKey.isEmpty()) {
      throw new IllegalArgumentException("--auth-users-file lets users log in, and the node"
          + " then signs their tokens: give --auth-private-key with --auth-public-key");
    }
  }

  /** Authentication with an HS256 secret, for tests and embedding. */
  public static AuthSettings hs256(Path secretFile, Optional<Path> usersFile, Duration ttl) {
    return new AuthSettings(true, Optional.of(secretFile), Optional.empty(), Optional.empty(),
        usersFile, ttl);
  }

  /** Authentication with an RS256 key pair (the private key optional), for tests and embedding. */
  public static AuthSettings rs256(Path publicKey, Optional<Path> privateKey,
      Optional<Path> usersFile, Duration ttl) {
    return new AuthSettings(true, Optional.empty(), Optional.of(publicKey), privateKey,
        usersFile, ttl);
  }
}
