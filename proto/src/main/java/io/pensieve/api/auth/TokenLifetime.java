package io.pensieve.api.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Token lifetimes as people write them, on the node ({@code --auth-token-ttl}) and in {@code
 * pvctl token create --ttl}: {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}. Each side bounds
 * them by its own policy.
 */
public final class TokenLifetime {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhd])");

  private TokenLifetime() {}

  /** @throws IllegalArgumentException when {@code text} is not a number and s, m, h or d */
  public static Duration parse(String text) {
    Matcher matcher = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a lifetime: a number and s, m,"
          + " h or d (like 30m or 1h)");
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
