package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.auth.PasswordLogin;
import io.pensieve.server.kv.KvException;
import java.util.Optional;

/**
 * {@code POST /login} once authentication is on: {@code {"username": "...", "password": "..."}}
 * (the kv-store seed's {@code email} is a user name too) answers {@code {"token": "...",
 * "expires_at": "...", "token_type": "Bearer"}}, or 401 with one message for a wrong user and a
 * wrong password alike.
 */
final class LoginRoute {
  /** A login body is two short strings; anything larger is not one. */
  private static final int MAX_BODY_BYTES = 4096;

  private final Optional<PasswordLogin> login;

  LoginRoute(Optional<PasswordLogin> login) {
    this.login = login;
  }

  void handle(Exchange exchange) {
    if (login.isEmpty()) {
      throw new KvException(ErrorCode.ERROR_CODE_NOT_FOUND, "this node has no users file"
          + " (--auth-users-file), so no login; ask an operator for a token"
          + " (pvctl token create)");
    }
    exchange.body(MAX_BODY_BYTES)
        .thenCompose(bytes -> {
          ObjectNode body = Json.parseObject(bytes);
          Optional<String> username = Json.optionalText(body, "username");
          String name = username.isPresent() ? username.get() : Json.optionalText(body, "email")
              .orElseThrow(() -> new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
                  "missing field \"username\" (or \"email\")"));
          return login.get().login(name, Json.requiredText(body, "password"), exchange.remote());
        })
        .thenAccept(token -> exchange.json(200, Json.object()
            .put("token", token.token())
            .put("expires_at", token.expiresAt().toString())
            .put("token_type", "Bearer")))
        .exceptionally(failure -> {
          exchange.error(failure);
          return null;
        });
  }
}
