package io.pensieve.jepsen.checker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pensieve.jepsen.checker.CheckReport.Validity;

/**
 * Every checker's verdict on one run of the bank workload, in the manner of
 * {@link CheckReport}.
 *
 * @param operations how many operations the history held
 * @param bank the bank's rules
 * @param convergence the nodes' final states
 * @param checkerMillis how long the checking took
 */
@JsonIgnoreProperties(value = {"valid", "validity"}, allowGetters = true)
public record BankCheckReport(int operations, BankResult bank, ConvergenceResult convergence,
                              long checkerMillis) {
  @JsonProperty("valid")
  public boolean valid() {
    return validity() == Validity.VALID;
  }

  /**
   * {@link Validity#INVALID} once a rule is broken or the nodes differ; otherwise
   * {@link Validity#UNKNOWN} if some rule could not be checked.
   */
  @JsonProperty("validity")
  public Validity validity() {
    if (!bank.ok() || !convergence.converged()) {
      return Validity.INVALID;
    }
    return bank.undecided() != null ? Validity.UNKNOWN : Validity.VALID;
  }
}
