package io.pensieve.server.auth;

import io.pensieve.api.auth.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The users {@code /login} accepts, one per line:
 *
 * <pre>
 * # name:roles:bcrypt hash    (pvctl user hash NAME --roles ROLES prints such a line)
 * alice:read,write:$2b$12$...
 * ops@example.com:admin:$2b$12$...
 * </pre>
 *
 * A name is 1 to 128 characters, none of them ':' or white space (an e-mail address works);
 * roles are {@code read}, {@code write}, {@code admin}, comma-separated; the hash is bcrypt
 * ({@code $2a$}, {@code $2b$} or {@code $2y$}, as {@code htpasswd -B} makes too). Blank lines
 * and lines starting with {@code #} are skipped. The file holds no password, only salted slow
 * hashes; a malformed line stops the node at start, naming the line.
 */
public final class UsersFile {
  public static final int MAX_NAME_CHARS = 128;
  private static final Pattern NAME = Pattern.compile("[^:\\s]{1," + MAX_NAME_CHARS + "}");
  private static final Pattern BCRYPT =
      Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

  private UsersFile() {}

  /** One user: a name, the roles the tokens they get carry, and their password's hash. */
  public record User(String name, Set<Role> roles, String hash) {
    /** The bcrypt cost (log2 of the rounds) of the hash. */
    public int cost() {
      return Integer.parseInt(hash.substring(4, 6));
    }
  }

  public static Map<String, User> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the users file " + file + ": " + e);
    }
    KeyFilePermissions.warnIfOthersCanRead(file, "users file");
    return parse(file.toString(), lines);
  }

  /** @param source names the file in error messages */
  public static Map<String, User> parse(String source, List<String> lines) {
    Map<String, User> users = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      User user;
      try {
        user = parseLine(line);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "users file " + source + " line " + (i + 1) + ": " + e.getMessage());
      }
      if (users.putIfAbsent(user.name(), user) != null) {
        throw new IllegalArgumentException("users file " + source + " line " + (i + 1)
            + ": user '" + user.name() + "' is listed twice");
      }
    }
    return users;
  }

  private static User parseLine(String line) {
    String[] fields = line.split(":", -1);
    if (fields.length != 3) {
      throw new IllegalArgumentException("expected name:roles:hash, got " + fields.length
          + " field(s)");
    }
    String name = fields[0];
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a user name is 1 to " + MAX_NAME_CHARS
          + " characters, no ':' or white space");
    }
    Set<Role> roles = Role.parseList(fields[1]);
    Matcher hash = BCRYPT.matcher(fields[2]);
    if (!hash.matches()) {
      // the hash itself is not echoed: it is a secret of sorts
      throw new IllegalArgumentException("the hash of '" + name + "' is not a bcrypt hash"
          + " ($2b$<cost>$ and 53 characters; make one with pvctl user hash)");
    }
    int cost = Integer.parseInt(hash.group(1));
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("the bcrypt cost of '" + name
          + "' must be between 4 and 31, got " + cost);
    }
    return new User(name, roles, fields[2]);
  }
}
