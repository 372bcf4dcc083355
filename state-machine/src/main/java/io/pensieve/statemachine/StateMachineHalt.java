package io.pensieve.statemachine;

/**
 * Why and where a replica's state machine stopped: the committed log entry it could not apply.
 * Entries before {@code index} are applied; that one and every later one are not.
 *
 * @param term the term of the entry it stopped at
 * @param index the log index of the entry it stopped at; the applied index is the one before
 * @param command the kind of command it could not apply ({@code compare_and_set}, ...), or
 *     {@code -} when the entry could not be read at all
 * @param reason what went wrong, in a sentence
 */
public record StateMachineHalt(long term, long index, String command, String reason) {

  /** One line for logs and refusals, naming the index and the reason. */
  public String describe() {
    return "the state machine halted at log index " + index + " (term " + term + ", command "
        + command + "): " + reason;
  }
}
