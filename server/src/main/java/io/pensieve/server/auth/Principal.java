package io.pensieve.server.auth;

import io.pensieve.api.auth.Role;
import java.util.EnumSet;
import java.util.Set;

/** Who made a request, as its verified token says: the subject and the roles granted. */
public record Principal(String subject, Set<Role> roles) {
  public Principal {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  /** Whether the roles allow what {@code required} guards; admin allows everything. */
  public boolean allows(Role required) {
    return roles.contains(Role.ADMIN) || roles.contains(required);
  }
}
