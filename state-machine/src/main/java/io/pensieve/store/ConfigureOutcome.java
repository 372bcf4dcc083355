package io.pensieve.store;

/** The result of a settings change. */
public sealed interface ConfigureOutcome permits ConfigureOutcome.Configured, Refused {

  /**
   * The settings now in force.
   *
   * @param changed whether the command changed them
   * @param evicted entries evicted to fit the new limits
   */
  record Configured(boolean changed, Settings settings, long evicted) implements ConfigureOutcome {}
}
