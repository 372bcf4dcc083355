package io.pensieve.server.rest;

import io.pensieve.server.kv.ErrorKind;

/** The HTTP status of each error kind: the one place REST decides it. */
final class RestStatus {
  private RestStatus() {}

  static int of(ErrorKind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> 400;
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case COMPARE_FAILED, ALREADY_EXISTS, FAILED_PRECONDITION -> 409;
      case KEY_TOO_LARGE, VALUE_TOO_LARGE, BODY_TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case NO_SPACE -> 507;
      case NO_LEADER, UNAVAILABLE, OVERLOADED -> 503;
      case UNKNOWN_OUTCOME -> 504;
      case INTERNAL -> 500;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
    };
  }
}
