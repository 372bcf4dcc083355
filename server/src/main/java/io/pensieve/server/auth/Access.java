package io.pensieve.server.auth;

import io.pensieve.api.auth.Role;
import java.util.Optional;

/** What a route or a call needs to be served when authentication is on. */
public enum Access {
  /** Nothing: probes, metrics, peer discovery and the login itself. */
  OPEN(null),
  /**
   * A valid token, whatever its roles: routes that do not exist (they answer 404), and
   * transactions, whose service then asks for the roles their content needs.
   */
  AUTHENTICATED(null),
  READ(Role.READ),
  WRITE(Role.WRITE),
  ADMIN(Role.ADMIN);

  private final Role role;

  Access(Role role) {
    this.role = role;
  }

  /** The role the token must carry, if any. */
  public Optional<Role> role() {
    return Optional.ofNullable(role);
  }
}
