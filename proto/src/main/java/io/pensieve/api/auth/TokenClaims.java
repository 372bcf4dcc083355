package io.pensieve.api.auth;

import java.util.Set;

/**
 * The claims of a Pensieve token, a JWT signed with HS256 or RS256 (see {@link TokenSigner}):
 * {@code sub} names the user, {@code roles} lists {@link Role#claimName() role names}, {@code
 * exp} ends it; {@code iat} and {@code jti} are set by the signer, {@code nbf} honoured when
 * present.
 */
public final class TokenClaims {
  /** The claim holding the roles, an array of strings. */
  public static final String ROLES = "roles";
  /** A token without these is refused. */
  public static final Set<String> REQUIRED = Set.of("exp", "sub");

  private TokenClaims() {}
}
