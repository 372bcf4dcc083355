package io.pensieve.statemachine;

/**
 * Thrown out of {@link PensieveStateMachine#applyTransaction} to stop the replica: Ratis then
 * closes its member of the group instead of moving past the entry (see the state machine's
 * class comment).
 */
public final class StateMachineHaltedException extends IllegalStateException {
  private final transient StateMachineHalt halt;

  public StateMachineHaltedException(StateMachineHalt halt, Throwable cause) {
    super(halt.describe(), cause);
    this.halt = halt;
  }

  public StateMachineHalt halt() {
    return halt;
  }
}
