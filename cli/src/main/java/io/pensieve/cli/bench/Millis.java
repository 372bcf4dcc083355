package io.pensieve.cli.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Latencies as people read them: milliseconds to three significant digits. */
public final class Millis {
  private Millis() {}

  /**
   * {@code 0.412}, {@code 4.12}, {@code 41.2}; whole from 100 on ({@code 4123}); no trailing
   * zeros ({@code 2.1}, not {@code 2.10}).
   */
  public static String format(double millis) {
    if (millis <= 0) {
      return "0";
    }
    BigDecimal value = new BigDecimal(millis);
    BigDecimal rounded = millis >= 100 ? value.setScale(0, RoundingMode.HALF_UP)
        : value.round(new MathContext(3, RoundingMode.HALF_UP));
    return rounded.stripTrailingZeros().toPlainString();
  }
}
