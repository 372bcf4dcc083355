package io.pensieve.cli;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The roles a token or a user is given: {@code read} (reads, member list, status, settings),
 * {@code write} (puts, deletes, compare-and-set) and {@code admin} (every admin command, and
 * everything read and write allow). The node holds the same list.
 */
final class Roles {
  static final List<String> NAMES = List.of("read", "write", "admin");

  private Roles() {}

  /** {@code read,write}: known roles, at least one, in the order {@link #NAMES} gives. */
  static List<String> parse(String commaSeparated) {
    Set<String> roles = new TreeSet<>((a, b) -> NAMES.indexOf(a) - NAMES.indexOf(b));
    for (String name : commaSeparated.split(",", -1)) {
      String role = name.strip();
      if (!NAMES.contains(role)) {
        throw CliError.usage("unknown role '" + role + "'; roles are read, write and admin");
      }
      roles.add(role);
    }
    return List.copyOf(roles);
  }
}
