package io.pensieve.jepsen.checker;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pensieve.jepsen.checker.CheckReport.Validity;
import java.util.List;
import java.util.Map;

/**
 * What {@link SessionChecker} found.
 *
 * @param operations operations in the history
 * @param sessions sessions whose lease was granted
 * @param endings how those sessions ended: revoked, deleted (delete-range, then revoke),
 *     abandoned, or other (a put or the ending was not ok)
 * @param reads ok reads of a session's prefix
 * @param earlyExpiryReads reads rule 1 applied to (within the lease's guaranteed life)
 * @param weakenedReads of those, reads whose tolerance a forward clock skew widened
 * @param maxForwardSkewSeconds the largest forward clock offset any node had in the run
 * @param finalReads ok final reads
 * @param violations how many times each rule was broken
 * @param anomalies the first few violations of each rule, explained
 * @param undecided why expiry could not be checked (no final read), or null
 */
public record SessionResult(int operations, int sessions, Map<String, Integer> endings,
                            int reads, int earlyExpiryReads, int weakenedReads,
                            long maxForwardSkewSeconds, int finalReads,
                            Map<Rule, Integer> violations, List<SessionAnomaly> anomalies,
                            String undecided, long checkerMillis) {
  /** The rules a sessions history must keep. */
  public enum Rule {
    /** Rule 1: a read within its lease's guaranteed life missed keys of the session. */
    EARLY_EXPIRY,
    /**
     * Rule 2: a read saw some of a session's keys but not all, or a key whose put certainly
     * did not apply.
     */
    PARTIAL_SESSION,
    /** Rule 3: a read begun after an acknowledged revoke or delete-range found its keys. */
    REMOVED_KEYS_SEEN,
    /** Rule 4: the final read found keys of a lease that must have expired. */
    NOT_EXPIRED
  }

  /**
   * One violation.
   *
   * @param session the session it concerns
   * @param explanation one line for people: the session, the operations and their times
   * @param operations the operations it concerns (the read first)
   */
  public record SessionAnomaly(Rule rule, String session, String explanation,
                               List<SessionOperation> operations) {
    public SessionAnomaly {
      operations = List.copyOf(operations);
    }
  }

  public SessionResult {
    endings = Map.copyOf(endings);
    violations = Map.copyOf(violations);
    anomalies = List.copyOf(anomalies);
  }

  @JsonProperty("validity")
  public Validity validity() {
    if (!anomalies.isEmpty()) {
      return Validity.INVALID;
    }
    return undecided == null ? Validity.VALID : Validity.UNKNOWN;
  }

  @JsonProperty("valid")
  public boolean valid() {
    return validity() == Validity.VALID;
  }
}
