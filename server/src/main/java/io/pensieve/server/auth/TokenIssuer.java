package io.pensieve.server.auth;

import io.pensieve.api.auth.Role;
import io.pensieve.api.auth.TokenSigner;
import io.pensieve.api.auth.TokenSigner.SignedToken;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** Issues the tokens {@code /login} hands out: signed now, valid for the node's token TTL. */
public final class TokenIssuer {
  private final TokenSigner signer;
  private final Duration ttl;
  private final Clock clock;

  public TokenIssuer(TokenSigner signer, Duration ttl, Clock clock) {
    this.signer = signer;
    this.ttl = ttl;
    this.clock = clock;
  }

  public static TokenIssuer hs256(byte[] secret, Duration ttl, Clock clock) {
    return new TokenIssuer(TokenSigner.hs256(secret), ttl, clock);
  }

  public static TokenIssuer rs256(RSAPrivateKey privateKey, Duration ttl, Clock clock) {
    return new TokenIssuer(TokenSigner.rs256(privateKey), ttl, clock);
  }

  public SignedToken issue(String subject, Set<Role> roles) {
    return signer.sign(subject, roles, clock.instant(), ttl);
  }
}
