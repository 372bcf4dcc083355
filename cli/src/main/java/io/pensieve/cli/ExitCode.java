package io.pensieve.cli;

/** pvctl's exit codes: the closed set scripts can rely on. */
final class ExitCode {
  /** The command did what it was asked. */
  static final int OK = 0;
  /**
   * The key was not found, a condition did not hold, or the cluster refused the request (no such
   * member, already a member, the change would lose quorum, too large, ...).
   */
  static final int FAILED = 1;
  /** Bad flags or arguments, or a request the server found malformed or out of range. */
  static final int USAGE = 2;
  /**
   * No endpoint answered, no leader, or a write whose outcome is unknown (it may have applied).
   */
  static final int UNAVAILABLE = 3;
  /**
   * The node runs with authentication and refused the call: no token, an invalid or expired
   * one (get a new one), or one whose roles do not allow the request.
   */
  static final int NOT_ALLOWED = 4;

  private ExitCode() {}
}
