package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The entry table's slot arrays across many pages: growth from one small page to several full
 * ones keeps every slot's value, and a table of several pages keeps its invariants through
 * inserts, removes, reuse of freed slots and rehashes.
 */
class EntryTableTest {
  private static final int SLOTS = 3 * SlotPages.PAGE_SLOTS + 1_000;

  @Test
  void slotArraysKeepEverySlotWhileGrowingPageByPage() {
    SlotPages.Ints ints = new SlotPages.Ints(16, EntryTable.NONE);
    SlotPages.Records records = new SlotPages.Records(16);
    for (int slot = 0; slot < SLOTS; slot++) {
      if (slot == ints.capacity()) {
        ints.grow(slot + 1);
        records.grow(slot + 1);
        assertThat(ints.get(slot)).as("a new slot holds the fill value").isEqualTo(EntryTable.NONE);
        assertThat(records.get(slot)).isNull();
      }
      ints.set(slot, slot * 7);
      records.set(slot, bytes("r" + slot));
    }
    assertThat(ints.capacity()).as("at most one page unused")
        .isGreaterThanOrEqualTo(SLOTS).isLessThan(SLOTS + SlotPages.PAGE_SLOTS);
    for (int slot = 0; slot < SLOTS; slot++) {
      assertThat(ints.get(slot)).isEqualTo(slot * 7);
      assertThat(records.get(slot)).isEqualTo(bytes("r" + slot));
    }
  }

  @Test
  void growthFromOnePageJumpsStraightToWholePages() {
    SlotPages.Ints ints = new SlotPages.Ints(100, 5);
    ints.set(99, 1);
    ints.grow(2 * SlotPages.PAGE_SLOTS + 1);
    assertThat(ints.capacity()).isEqualTo(3 * SlotPages.PAGE_SLOTS);
    assertThat(ints.get(99)).isEqualTo(1);
    assertThat(ints.get(100)).isEqualTo(5);
    assertThat(ints.get(3 * SlotPages.PAGE_SLOTS - 1)).isEqualTo(5);
  }

  @Test
  void aTableOfSeveralPagesKeepsItsInvariantsThroughInsertsAndRemoves() {
    EntryTable table = new EntryTable(KeyHasher.withRandomKey(), 0);
    Map<String, Integer> slots = new HashMap<>();
    List<String> live = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(19);
    for (int step = 0; step < 2 * SLOTS; step++) {
      if (live.isEmpty() || random.nextInt(3) > 0) {
        String key = "k" + random.nextInt(4 * SLOTS);
        if (!slots.containsKey(key)) {
          slots.put(key, table.insert(EntryRecord.encode(bytes(key), bytes(key), 1, 1)));
          live.add(key);
        }
      } else {
        String key = live.remove(random.nextInt(live.size()));
        table.remove(slots.remove(key));
      }
    }
    table.checkInvariants();
    assertThat(table.size()).isEqualTo(live.size()).isGreaterThan(SlotPages.PAGE_SLOTS);
    for (String key : live) {
      assertThat(table.find(bytes(key))).isEqualTo(slots.get(key));
    }
    assertThat(table.find(bytes("absent"))).isEqualTo(EntryTable.NONE);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
