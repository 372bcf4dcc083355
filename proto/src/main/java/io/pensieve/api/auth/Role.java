package io.pensieve.api.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a token's {@code roles} claim may grant, as the node enforces it and {@code pvctl token}
 * and {@code pvctl user} write it. The role model:
 *
 * <ul>
 *   <li>{@code read}: reads. REST {@code GET /v1/kv/{key}}, {@code /v1/cluster}, {@code
 *       /v1/stats} and the seed reads ({@code /get}, {@code /stats}, {@code /get-value}); gRPC
 *       {@code KV.Get}, {@code Stats}, {@code Cluster} and {@code Admin.ListMembers}, {@code
 *       Status}, {@code GetSettings}.
 *   <li>{@code write}: puts, deletes and compare-and-set, canonical and seed routes ({@code
 *       /put}, {@code /set}, {@code /delete}, {@code /del}, {@code /set-value}, {@code
 *       /delete-value}); gRPC {@code KV.Put}, {@code Delete}, {@code CompareAndSet}. Write does
 *       not imply read: a writer that must read its keys back is given both.
 *   <li>{@code admin}: every {@code Admin} call (membership, leadership, snapshots, settings
 *       changes, digest), and everything {@code read} and {@code write} allow.
 * </ul>
 */
public enum Role {
  READ,
  WRITE,
  ADMIN;

  /** The name in tokens and in the users file: {@code read}, {@code write}, {@code admin}. */
  public String claimName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String name) {
    for (Role role : values()) {
      if (role.claimName().equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** The claim names of {@code roles}, in this enum's order: {@code [read, write]}. */
  public static List<String> claimNames(Set<Role> roles) {
    return roles.stream().sorted().map(Role::claimName).toList();
  }

  /**
   * Parses {@code read,write}: at least one role, each one known.
   *
   * @throws IllegalArgumentException naming the role that is not known
   */
  public static Set<Role> parseList(String commaSeparated) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : commaSeparated.split(",", -1)) {
      String trimmed = name.strip();
      roles.add(parse(trimmed).orElseThrow(() -> new IllegalArgumentException("unknown role '"
          + trimmed + "'; roles are read, write and admin")));
    }
    return roles;
  }
}
