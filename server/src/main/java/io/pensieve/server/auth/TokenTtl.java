package io.pensieve.server.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Token lifetimes as operators write them: {@code 90s}, {@code 30m}, {@code 1h}, {@code 1d}. */
public final class TokenTtl {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhd])");

  private TokenTtl() {}

  public static Duration parse(String text) {
    Matcher matcher = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("a token lifetime is a number and s, m, h or d"
          + " (like 30m or 1h), got '" + text + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
