package io.pensieve.client;

/** A node's gRPC address, {@code host:port} ({@code [v6]:port} for an IPv6 literal). */
public record Endpoint(String host, int port) {
  public Endpoint {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is not in 1-65535");
    }
  }

  /** Parses {@code host:port}; the exception's message says what is wrong. */
  public static Endpoint parse(String text) {
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not host:port");
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not host:port (write an IPv6 host as [::1]:9001)");
    }
    try {
      return new Endpoint(host, Integer.parseInt(trimmed.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not host:port: bad port", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not host:port: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
