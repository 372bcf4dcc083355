package io.pensieve.api;

import io.pensieve.proto.v1.EvictionPolicy;
import java.util.Locale;

/**
 * The names users give eviction policies, as Redis spells them ({@code lru}, {@code noeviction}):
 * read by the node's flags and {@code pvctl config set}, written by REST and {@code pvctl}.
 */
public final class EvictionPolicyNames {
  private EvictionPolicyNames() {}

  /**
   * The policy named, in any case.
   *
   * @param field how the request names it, for the error: {@code --eviction-policy}
   * @throws IllegalArgumentException naming the field and the policies there are
   */
  public static EvictionPolicy parse(String field, String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "lru" -> EvictionPolicy.EVICTION_POLICY_LRU;
      case "noeviction" -> EvictionPolicy.EVICTION_POLICY_NOEVICTION;
      default -> throw new IllegalArgumentException(
          field + " must be lru or noeviction, not '" + name + "'");
    };
  }

  /** The name {@link #parse} reads back. */
  public static String name(EvictionPolicy policy) {
    return switch (policy) {
      case EVICTION_POLICY_LRU -> "lru";
      case EVICTION_POLICY_NOEVICTION -> "noeviction";
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown eviction policy");
    };
  }
}
