package io.pensieve.server.kv;

/**
 * Every way a request can fail, as a closed set. The REST and gRPC layers each map it once to
 * their statuses; nothing matches on messages.
 */
public enum ErrorKind {
  /** The request is malformed or names an impossible value. Nothing was applied. */
  INVALID_ARGUMENT("invalid_argument"),
  /** The key, or the route, does not exist. */
  NOT_FOUND("not_found"),
  /** The thing to create exists already (an admin request). Nothing was changed. */
  ALREADY_EXISTS("already_exists"),
  /** The cluster's state forbids the request (an admin request). Nothing was changed. */
  FAILED_PRECONDITION("failed_precondition"),
  /** A condition on the key's current state did not hold. Nothing was applied. */
  COMPARE_FAILED("compare_failed"),
  KEY_TOO_LARGE("key_too_large"),
  VALUE_TOO_LARGE("value_too_large"),
  /** The request body is larger than the node accepts. */
  BODY_TOO_LARGE("body_too_large"),
  /** The store is full and its eviction policy forbids making room. Nothing was applied. */
  NO_SPACE("no_space"),
  /**
   * No leader is known, so the write was not sent, or the leader refused it while handing over
   * to another member. Nothing was applied: retry later.
   */
  NO_LEADER("no_leader"),
  /** The node cannot serve the request now (a read failed, shutting down). */
  UNAVAILABLE("unavailable"),
  /** The node has as many requests in flight as it accepts. Nothing was applied: retry. */
  OVERLOADED("overloaded"),
  /** A write was sent but its outcome is unknown: it may or may not have been applied. */
  UNKNOWN_OUTCOME("unknown_outcome"),
  METHOD_NOT_ALLOWED("method_not_allowed"),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
  INTERNAL("internal"),
  /** No token, or one that is malformed, expired, badly signed or of the wrong algorithm. */
  UNAUTHENTICATED("unauthenticated"),
  /** A valid token whose roles do not allow the request. */
  PERMISSION_DENIED("permission_denied");

  private final String code;

  ErrorKind(String code) {
    this.code = code;
  }

  /** The code clients see, in snake case. */
  public String code() {
    return code;
  }

  /** Whether the same request may succeed if simply sent again later. */
  public boolean retryable() {
    return this == NO_LEADER || this == UNAVAILABLE || this == OVERLOADED;
  }
}
