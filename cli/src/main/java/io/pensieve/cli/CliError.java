package io.pensieve.cli;

/**
 * A failure pvctl reports as one line on stderr, {@code pvctl: <message>}, and exits with its
 * code (see {@link ExitCode}).
 */
final class CliError extends RuntimeException {
  private final int exitCode;

  CliError(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  static CliError failed(String message) {
    return new CliError(ExitCode.FAILED, message);
  }

  static CliError usage(String message) {
    return new CliError(ExitCode.USAGE, message);
  }

  static CliError unavailable(String message) {
    return new CliError(ExitCode.UNAVAILABLE, message);
  }

  static CliError notAllowed(String message) {
    return new CliError(ExitCode.NOT_ALLOWED, message);
  }

  int exitCode() {
    return exitCode;
  }
}
