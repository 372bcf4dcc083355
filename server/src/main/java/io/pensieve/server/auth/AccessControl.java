package io.pensieve.server.auth;

import io.pensieve.api.auth.KeyFiles;
import io.pensieve.api.auth.Role;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.kv.KvException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one gate, shared by REST and gRPC: checks a request's {@code Authorization: Bearer}
 * header against what its route needs, and logs each refusal with its reason, the route and the
 * subject when known, never the token. Off, it lets everything through.
 */
public final class AccessControl implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
  private static final String BEARER = "bearer ";

  private final Optional<TokenVerifier> verifier;
  private final Optional<PasswordLogin> login;

  private AccessControl(Optional<TokenVerifier> verifier, Optional<PasswordLogin> login) {
    this.verifier = verifier;
    this.login = login;
  }

  public static AccessControl off() {
    return new AccessControl(Optional.empty(), Optional.empty());
  }

  /**
   * Reads the keys and the users file of {@code settings}.
   *
   * @throws IllegalArgumentException saying what is wrong with a file
   */
  public static AccessControl start(AuthSettings settings) {
    if (!settings.enabled()) {
      return off();
    }
    TokenVerifier verifier;
    Optional<TokenIssuer> issuer = Optional.empty();
    Clock clock = Clock.systemUTC();
    if (settings.secretFile().isPresent()) {
      byte[] secret = KeyFiles.secret(settings.secretFile().get());
      KeyFilePermissions.warnIfOthersCanRead(settings.secretFile().get(), "secret file");
      verifier = TokenVerifier.hs256(secret);
      issuer = Optional.of(TokenIssuer.hs256(secret, settings.tokenTtl(), clock));
    } else {
      RSAPublicKey publicKey = KeyFiles.publicKey(settings.publicKey().orElseThrow());
      verifier = TokenVerifier.rs256(publicKey);
      if (settings.privateKey().isPresent()) {
        RSAPrivateCrtKey privateKey = KeyFiles.privateKey(settings.privateKey().get());
        KeyFiles.requirePair(publicKey, privateKey, settings.privateKey().get());
        KeyFilePermissions.warnIfOthersCanRead(settings.privateKey().get(), "private key");
        issuer = Optional.of(TokenIssuer.rs256(privateKey, settings.tokenTtl(), clock));
      }
    }
    Optional<PasswordLogin> login = Optional.empty();
    if (settings.usersFile().isPresent()) {
      // AuthSettings made sure an issuer exists when a users file is given
      login = Optional.of(new PasswordLogin(UsersFile.read(settings.usersFile().get()),
          issuer.orElseThrow()));
    }
    LOG.info("Authentication on: {} tokens, {}", verifier.algorithm(), login
        .map(l -> l.userCount() + " user(s) may log in, tokens valid "
            + settings.tokenTtl().toString().substring(2).toLowerCase(Locale.ROOT))
        .orElse("no users file (no /login)"));
    return new AccessControl(Optional.of(verifier), login);
  }

  public boolean enabled() {
    return verifier.isPresent();
  }

  /** The password login, when a users file is configured. */
  public Optional<PasswordLogin> login() {
    return login;
  }

  /**
   * Lets the request through, or refuses it.
   *
   * @param authorization the {@code Authorization} header (gRPC: {@code authorization} metadata)
   * @param route what is asked, for the log: {@code PUT /v1/kv/a}, {@code pensieve.v1.KV/Put}
   * @param remote the caller's address, for the log
   * @return who is asking; empty when authentication is off or the route is open
   * @throws KvException {@link ErrorCode#ERROR_CODE_UNAUTHENTICATED} without a valid token, {@link
   *     ErrorCode#ERROR_CODE_PERMISSION_DENIED} when the token's roles do not allow {@code access}
   */
  public Optional<Principal> check(Optional<String> authorization, Access access, String route,
      String remote) {
    if (verifier.isEmpty() || access == Access.OPEN) {
      return Optional.empty();
    }
    Principal principal;
    try {
      principal = verifier.get().verify(bearerToken(authorization));
    } catch (KvException e) {
      LOG.info("Refused {} from {}: {}", LogText.of(route), remote, e.getMessage());
      throw e;
    }
    Optional<Role> role = access.role();
    if (role.isPresent() && !principal.allows(role.get())) {
      LOG.warn("Refused {} from {}: user '{}' has roles {}, needs {}", LogText.of(route),
          remote, LogText.of(principal.subject()), Role.claimNames(principal.roles()),
          role.get().claimName());
      throw new KvException(ErrorCode.ERROR_CODE_PERMISSION_DENIED, "user '" + principal.subject()
          + "' lacks the " + role.get().claimName() + " role this request needs");
    }
    return Optional.of(principal);
  }

  /**
   * The access of a caller that {@link #check} let through as {@code caller}, for the checks a
   * request's content decides ({@link CallerAccess}); refusals are logged as check logs them.
   */
  public CallerAccess callerAccess(Optional<Principal> caller, String route, String remote) {
    if (verifier.isEmpty()) {
      return CallerAccess.ANYTHING;
    }
    return access -> {
      Optional<Role> role = access.role();
      if (role.isEmpty()) {
        return;
      }
      if (caller.isEmpty()) {
        LOG.info("Refused {} from {}: no token", LogText.of(route), remote);
        throw new KvException(ErrorCode.ERROR_CODE_UNAUTHENTICATED,
            "this request needs a token: Authorization: Bearer <token>");
      }
      Principal principal = caller.get();
      if (!principal.allows(role.get())) {
        LOG.warn("Refused {} from {}: user '{}' has roles {}, needs {}", LogText.of(route),
            remote, LogText.of(principal.subject()), Role.claimNames(principal.roles()),
            role.get().claimName());
        throw new KvException(ErrorCode.ERROR_CODE_PERMISSION_DENIED, "user '"
            + principal.subject() + "' lacks the " + role.get().claimName()
            + " role this request needs");
      }
    };
  }

  private static String bearerToken(Optional<String> authorization) {
    if (authorization.isEmpty() || authorization.get().isBlank()) {
      throw new KvException(ErrorCode.ERROR_CODE_UNAUTHENTICATED,
          "this request needs a token: Authorization: Bearer <token>");
    }
    String header = authorization.get().strip();
    if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      throw new KvException(ErrorCode.ERROR_CODE_UNAUTHENTICATED,
          "the Authorization header must be 'Bearer <token>'");
    }
    return header.substring(BEARER.length()).strip();
  }

  @Override
  public void close() {
    login.ifPresent(PasswordLogin::close);
  }
}
