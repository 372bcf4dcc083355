package io.pensieve.cli.bench;

import java.util.SplittableRandom;

/** The value every bench write stores: printable ASCII, so it is the same over gRPC and JSON. */
final class Values {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private Values() {}

  /** {@code size} letters and digits drawn from {@code seed}. */
  static String of(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder value = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return value.toString();
  }
}
