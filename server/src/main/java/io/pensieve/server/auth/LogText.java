package io.pensieve.server.auth;

/** Text from a request made safe for one log line: no control characters, bounded length. */
final class LogText {
  private static final int MAX_CHARS = 128;

  private LogText() {}

  static String of(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder safe = new StringBuilder(Math.min(text.length(), MAX_CHARS + 3));
    for (int i = 0; i < text.length() && i < MAX_CHARS; i++) {
      char c = text.charAt(i);
      safe.append(Character.isISOControl(c) ? '?' : c);
    }
    return text.length() > MAX_CHARS ? safe.append("...").toString() : safe.toString();
  }
}
