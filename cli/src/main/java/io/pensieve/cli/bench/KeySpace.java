package io.pensieve.cli.bench;

import java.util.Random;

/**
 * The keys the bench uses: {@code bench-0000000000} to {@code bench-<size - 1>}, 16 bytes each
 * ({@code bench-%010d}), so that every run with the same {@code --keys} touches the same keys.
 */
public final class KeySpace {
  static final String PREFIX = "bench-";
  private static final int DIGITS = 10;
  /** Keys have ten digits: sizes past this would print eleven. */
  public static final int MAX_SIZE = 1_000_000_000;

  private final int size;

  public KeySpace(int size) {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("the key space holds 1 to " + MAX_SIZE + " keys");
    }
    this.size = size;
  }

  public int size() {
    return size;
  }

  /** The name of key {@code index}: the same as {@code String.format("bench-%010d", index)}. */
  public static String key(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("negative key index " + index);
    }
    char[] name = new char[PREFIX.length() + DIGITS];
    PREFIX.getChars(0, PREFIX.length(), name, 0);
    int rest = index;
    for (int i = name.length - 1; i >= PREFIX.length(); i--) {
      name[i] = (char) ('0' + rest % 10);
      rest /= 10;
    }
    return new String(name);
  }

  /** A key chosen uniformly at random. */
  public String pick(Random random) {
    return key(random.nextInt(size));
  }
}
