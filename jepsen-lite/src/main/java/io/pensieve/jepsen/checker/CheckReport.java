package io.pensieve.jepsen.checker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Every checker's verdict on one run.
 *
 * @param operations how many operations the history held
 * @param keys the linearizability verdict per key
 * @param lostWrites acknowledged writes against the final values
 * @param convergence the nodes' final states
 * @param checkerMillis how long the checking took
 */
@JsonIgnoreProperties(value = {"valid", "validity"}, allowGetters = true)
public record CheckReport(int operations, List<KeyResult> keys, LostWriteResult lostWrites,
                          ConvergenceResult convergence, long checkerMillis) {
  /** The run's overall answer. */
  public enum Validity { VALID, INVALID, UNKNOWN }

  public CheckReport {
    keys = List.copyOf(keys);
  }

  /** Linearizable on every key, no write lost, every node the same. */
  @JsonProperty("valid")
  public boolean valid() {
    return validity() == Validity.VALID;
  }

  /**
   * {@link Validity#INVALID} once any checker found a violation; otherwise
   * {@link Validity#UNKNOWN} if some key's search ran out of budget.
   */
  @JsonProperty("validity")
  public Validity validity() {
    boolean violation = !lostWrites.ok() || !convergence.converged()
        || keys.stream().anyMatch(k -> k.verdict() == Verdict.NOT_LINEARIZABLE);
    if (violation) {
      return Validity.INVALID;
    }
    return keys.stream().anyMatch(k -> k.verdict() == Verdict.UNKNOWN)
        ? Validity.UNKNOWN : Validity.VALID;
  }

  /** The anomalies of the keys that are not linearizable. */
  public List<Anomaly> anomalies() {
    return keys.stream().filter(k -> k.anomaly() != null).map(KeyResult::anomaly).toList();
  }
}
