package io.pensieve.statemachine;

/**
 * What the node hosting a {@link PensieveStateMachine} learns from it as it runs, for its
 * metrics. Calls come on Ratis threads (apply, snapshot, election), so an implementation must
 * return at once; none of them may influence the replicated state.
 */
public interface StateMachineListener {
  /** Listens to nothing. */
  StateMachineListener NONE = new StateMachineListener() { };

  /** This replica learned of a new leader (not of losing one), the first after start included. */
  default void leaderChanged(String leaderId) { }

  /** One log entry (a batch of commands) was applied; {@code nanos} from receipt to result. */
  default void entryApplied(long nanos) { }

  /** A snapshot was written and made durable. */
  default void snapshotTaken(long nanos, long sizeBytes) { }

  /**
   * A snapshot was read, checked and put in place of the map: this node's latest at start, or
   * one installed from the leader.
   */
  default void snapshotLoaded(long nanos) { }
}
