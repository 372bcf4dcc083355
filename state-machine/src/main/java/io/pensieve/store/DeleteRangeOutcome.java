package io.pensieve.store;

import java.util.List;

/** The result of a delete-range. */
public sealed interface DeleteRangeOutcome permits DeleteRangeOutcome.RangeDeleted, Refused {

  /**
   * The live keys of the range are gone.
   *
   * @param revision the revision all of them were deleted at; when none was, the store's
   *     revision, unchanged
   * @param deleted how many live keys were deleted
   * @param previous their entries in key order, when asked for
   */
  record RangeDeleted(long revision, int deleted, List<Entry> previous)
      implements DeleteRangeOutcome {
    public RangeDeleted {
      previous = List.copyOf(previous);
    }
  }
}
