package io.pensieve.api;

import java.util.Optional;

/**
 * A key's time to live, as every client and every node bounds it: 0 means never expires, at most
 * {@link #MAX_SECONDS} (100 years: far from overflow when added to an epoch time in
 * milliseconds). A node checks it where a request arrives, so that a bad one is refused before it
 * reaches the log; the state machine checks it again at apply, the final authority.
 */
public final class Ttl {
  public static final long MAX_SECONDS = 100L * 365 * 24 * 3600;
  public static final long MAX_MILLIS = MAX_SECONDS * 1000;

  private Ttl() {}

  /**
   * Why a TTL given in seconds is out of range, or empty when it is in range.
   *
   * @param field how the request names it: {@code ttl_seconds}, {@code --ttl}
   */
  public static Optional<String> checkSeconds(String field, long ttlSeconds) {
    return ttlSeconds < 0 || ttlSeconds > MAX_SECONDS
        ? Optional.of(outOfRange(field, ttlSeconds + " s")) : Optional.empty();
  }

  /** Why a TTL given in milliseconds is out of range, or empty when it is in range. */
  public static Optional<String> checkMillis(String field, long ttlMillis) {
    return ttlMillis < 0 || ttlMillis > MAX_MILLIS
        ? Optional.of(outOfRange(field, ttlMillis + " ms")) : Optional.empty();
  }

  private static String outOfRange(String field, String given) {
    return field + " must be between 0 (never expires) and " + MAX_SECONDS + " seconds, got "
        + given;
  }
}
