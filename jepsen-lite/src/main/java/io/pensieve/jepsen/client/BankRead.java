package io.pensieve.jepsen.client;

import java.util.Optional;

/**
 * A read's result: what it read, or why it read nothing. A read changes nothing, so a read
 * that did not answer is simply a failure, never an unknown outcome.
 */
public record BankRead<T>(Optional<T> value, String error) {
  public static <T> BankRead<T> ok(T value) {
    return new BankRead<>(Optional.of(value), null);
  }

  public static <T> BankRead<T> fail(String error) {
    return new BankRead<>(Optional.empty(), error);
  }
}
