package io.pensieve.jepsen.checker;

import java.util.List;

/**
 * What {@link LostWriteChecker} found.
 *
 * @param keys how many keys had a final value to check against
 * @param acknowledgedWrites ok writes and cas on those keys
 */
public record LostWriteResult(int keys, int acknowledgedWrites, List<LostWrite> lost,
                              List<UnwrittenValue> unwritten) {
  public LostWriteResult {
    lost = List.copyOf(lost);
    unwritten = List.copyOf(unwritten);
  }

  /** No write lost and every final value written by someone. */
  public boolean ok() {
    return lost.isEmpty() && unwritten.isEmpty();
  }

  /** An acknowledged write that nothing could have overwritten, yet it is gone. */
  public record LostWrite(String key, Operation write, String finalValue, String explanation) {}

  /**
   * A final value no ok or info operation wrote.
   *
   * @param failedWriters writers of it that failed, if any (they claimed to do nothing)
   */
  public record UnwrittenValue(String key, String value, List<Operation> failedWriters) {
    public UnwrittenValue {
      failedWriters = List.copyOf(failedWriters);
    }
  }
}
