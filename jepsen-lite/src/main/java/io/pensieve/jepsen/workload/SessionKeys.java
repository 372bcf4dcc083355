package io.pensieve.jepsen.workload;

/**
 * The sessions workload's keys: session {@code <client>/<n>} owns the keys
 * {@code sess/<client>/<n>/<i>}, and its prefix {@code sess/<client>/<n>/} (with the slash, so
 * that session 1/1's prefix holds none of session 1/10's keys).
 */
public final class SessionKeys {
  /** Every session's keys are under this prefix. */
  public static final String ROOT = "sess/";

  private SessionKeys() {}

  public static String session(int client, int n) {
    return client + "/" + n;
  }

  public static String prefix(String session) {
    return ROOT + session + "/";
  }

  public static String key(String session, int i) {
    return prefix(session) + i;
  }

  /** The session a key belongs to: {@code sess/3/7/1} is session {@code 3/7}. */
  public static String sessionOf(String key) {
    String rest = key.substring(ROOT.length());
    return rest.substring(0, rest.lastIndexOf('/'));
  }
}
