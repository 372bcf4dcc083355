package io.pensieve.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line: {@code 10s}, {@code 500ms}, {@code 2m}, or plain seconds. */
final class Durations implements ITypeConverter<Duration> {
  private static final Duration MAX = Duration.ofDays(1);

  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  static Duration parse(String text) {
    return parse(text, false);
  }

  /** {@code --warmup}: a duration, or {@code 0} (also {@code 0s}, {@code 0ms}) for none. */
  static final class ZeroOrMore implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return parse(text, true);
    }
  }

  private static Duration parse(String text, boolean zeroAllowed) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    long unitMillis;
    String number;
    if (value.endsWith("ms")) {
      unitMillis = 1;
      number = value.substring(0, value.length() - 2);
    } else if (value.endsWith("s")) {
      unitMillis = 1_000;
      number = value.substring(0, value.length() - 1);
    } else if (value.endsWith("m")) {
      unitMillis = 60_000;
      number = value.substring(0, value.length() - 1);
    } else {
      unitMillis = 1_000;
      number = value;
    }
    BigDecimal millis;
    try {
      millis = new BigDecimal(number).multiply(BigDecimal.valueOf(unitMillis));
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not a duration (like 10s, 500ms, 2m)");
    }
    if (zeroAllowed && millis.signum() == 0) {
      return Duration.ZERO;
    }
    if (millis.signum() <= 0 || millis.compareTo(BigDecimal.valueOf(MAX.toMillis())) > 0) {
      throw new TypeConversionException("'" + text + "' is not between 1ms and 24h"
          + (zeroAllowed ? ", or 0" : ""));
    }
    return Duration.ofMillis(millis.longValue());
  }

  /** {@code 10s}, {@code 1.5s}, {@code 250ms}. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1_000) {
      return millis + "ms";
    }
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
  }
}
