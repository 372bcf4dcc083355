package io.pensieve.server.auth;

/**
 * What the caller of one request may do, for a request whose needs depend on its content (a
 * transaction needs write only when it holds a write op): the route let the caller through for
 * the least the request can need, and the service asks this for the rest.
 */
@FunctionalInterface
public interface CallerAccess {
  /** Everything allowed: authentication is off. */
  CallerAccess ANYTHING = access -> { };

  /**
   * @throws io.pensieve.server.kv.KvException {@code PERMISSION_DENIED} (or {@code
   *     UNAUTHENTICATED} without a token) when the caller lacks {@code access}
   */
  void require(Access access);
}
