package io.pensieve.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code token create --ttl}: {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}, at most a year. */
final class TokenLifetime implements ITypeConverter<Duration> {
  static final Duration MAX = Duration.ofDays(365);
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhd])");

  @Override
  public Duration convert(String text) {
    Matcher matcher = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new TypeConversionException("'" + text + "' is not a lifetime (like 30m, 1h, 7d)");
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration ttl = switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
    if (ttl.isZero() || ttl.compareTo(MAX) > 0) {
      throw new TypeConversionException("'" + text + "' is not between 1s and 365d");
    }
    return ttl;
  }
}
