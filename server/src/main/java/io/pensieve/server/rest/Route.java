package io.pensieve.server.rest;

import io.pensieve.server.auth.Access;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One row of the REST route table ({@link RouteTable}): a method and a path template, what a
 * request to it needs and does. The template is also the route's metrics label.
 *
 * @param template a fixed path ({@code /v1/stats}), or a prefix ending in {@code {key}}
 *     ({@code /v1/kv/{key}}), where the key is the rest of the path, slashes included
 * @param access what the request's token needs when authentication is on
 * @param kind which error shape the route answers in
 * @param serving whether the node serves it before it joins its cluster, and under the
 *     concurrency limit or not
 * @param authentication whether the row exists with authentication on, off, or either way
 * @param action what the route does, given the node's handlers
 */
record Route(String method, String template, Access access, Kind kind, Serving serving,
             Authentication authentication, Action action) {
  static final String KEY = "{key}";

  /** What a route does. The matched key, if any, is {@link Exchange#pathKey()}. */
  @FunctionalInterface
  interface Action {
    void run(RouteHandlers handlers, Exchange exchange);
  }

  /** The error shape a route answers in: the canonical API's or the seed READMEs'. */
  enum Kind {
    /** {@code {"error": {"code": "...", "message": "..."}}}. */
    CANONICAL,
    /** {@code {"error": "<message>", "code": "<code>"}}, see {@link SeedRoutes}. */
    SEED;

    void fail(Exchange exchange, Throwable failure) {
      if (this == SEED) {
        SeedRoutes.fail(exchange, failure);
      } else {
        exchange.error(failure);
      }
    }
  }

  /** When a route is served. */
  enum Serving {
    /** Once the node is a member of its cluster: everything that touches its data. */
    MEMBER,
    /** Also while the node waits to join (or after it was removed): it needs no cluster. */
    ALWAYS,
    /**
     * Always, and outside the concurrency limit: the probes and the scrape, lest a busy node
     * look dead to its orchestrator.
     */
    PROBE
  }

  /** Whether a row is part of the table with authentication on, off, or either way. */
  enum Authentication { EITHER, ON, OFF }

  Route {
    if (method.isEmpty() || !method.equals(method.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException("a method is upper case: " + method);
    }
    if (!template.startsWith("/")
        || (template.indexOf(KEY) >= 0
            && template.indexOf(KEY) != template.length() - KEY.length())
        || (template.endsWith(KEY) && !template.endsWith("/" + KEY))) {
      throw new IllegalArgumentException("a template is a path, or a prefix ending in /"
          + KEY + ": " + template);
    }
  }

  /** A canonical route, served once the node is a member. */
  static Route canonical(String method, String template, Access access, Action action) {
    return new Route(method, template, access, Kind.CANONICAL, Serving.MEMBER,
        Authentication.EITHER, action);
  }

  /** A seed README's route, mapped onto the canonical operations by {@link SeedRoutes}. */
  static Route seed(String method, String template, Access access,
      BiConsumer<SeedRoutes, Exchange> action) {
    return new Route(method, template, access, Kind.SEED, Serving.MEMBER,
        Authentication.EITHER, (handlers, exchange) -> action.accept(handlers.seeds(), exchange));
  }

  Route served(Serving when) {
    return new Route(method, template, access, kind, when, authentication, action);
  }

  /** This row only while authentication is {@code on}, or only while it is off. */
  Route onlyWithAuthentication(boolean on) {
    return new Route(method, template, access, kind, serving,
        on ? Authentication.ON : Authentication.OFF, action);
  }

  boolean partOf(boolean authenticationOn) {
    return authentication == Authentication.EITHER
        || authentication == (authenticationOn ? Authentication.ON : Authentication.OFF);
  }

  /** The label of the route in metrics: its template, never the key a client sent. */
  String label() {
    return template;
  }

  boolean keyed() {
    return template.endsWith(KEY);
  }

  /** The fixed path, or the part of a keyed template before its key. */
  String prefix() {
    return keyed() ? template.substring(0, template.length() - KEY.length()) : template;
  }

  /** The raw key if {@code path} is this route's (empty for a fixed path); empty otherwise. */
  Optional<String> keyOf(String path) {
    if (keyed()) {
      return path.startsWith(prefix()) ? Optional.of(path.substring(prefix().length()))
          : Optional.empty();
    }
    return path.equals(template) ? Optional.of("") : Optional.empty();
  }

  @Override
  public String toString() {
    return method + " " + template;
  }
}
