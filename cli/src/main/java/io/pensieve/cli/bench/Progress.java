package io.pensieve.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The live progress line, once a second on stderr (never stdout, which holds the result). On a
 * terminal one line is rewritten in place; elsewhere (a log file) each second is a line.
 */
public final class Progress {
  /** How progress is shown. */
  public enum Mode {
    /** Nothing. */
    OFF,
    /** A line per second. */
    LINES,
    /** One line rewritten in place each second: for a terminal. */
    IN_PLACE
  }

  private static final String CLEAR_TO_END = "\033[K";

  private final PrintWriter err;
  private final Mode mode;
  private boolean open;

  public Progress(PrintWriter err, Mode mode) {
    this.err = err;
    this.mode = mode;
  }

  public static Progress off() {
    return new Progress(new PrintWriter(PrintWriter.nullWriter()), Mode.OFF);
  }

  /** One second of a run: {@code phase} is {@code warmup} or the measurement. */
  void interval(String level, String phase, long elapsedSeconds, long totalSeconds,
      double opsPerSecond, double p99Millis, long errors) {
    show(String.format(Locale.ROOT, "%s %s %ds/%ds  %,.0f ops/s  p99 %s ms  errors %,d", level,
        phase, elapsedSeconds, totalSeconds, opsPerSecond, Millis.format(p99Millis), errors));
  }

  /** Any other progress, such as the preload's. */
  void show(String text) {
    switch (mode) {
      case OFF -> {
        return;
      }
      case LINES -> err.println(text);
      case IN_PLACE -> {
        err.print("\r" + text + CLEAR_TO_END);
        open = true;
      }
    }
    err.flush();
  }

  /** Ends a phase: the line shown in place stays on the screen. */
  void done() {
    if (open) {
      err.println();
      err.flush();
      open = false;
    }
  }
}
