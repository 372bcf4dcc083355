package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The key order alone against a {@link TreeSet}, through many splits and merges: tiny nodes,
 * random adds and removes, a walk from a random key after every change, invariants checked.
 */
class KeyOrderTest {
  private static final int KEYS = 400;

  @Test
  void staysInKeyOrderThroughRandomAddsAndRemoves() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int leaf = random.nextInt(KeyOrder.MIN_CAPACITY, 9);
      int inner = random.nextInt(KeyOrder.MIN_CAPACITY, 9);
      byte[][] records = new byte[KEYS][];
      KeyOrder order = new KeyOrder(slot -> records[slot], leaf, inner);
      TreeSet<String> expected = new TreeSet<>();

      for (int step = 0; step < 4_000; step++) {
        int slot = random.nextInt(KEYS);
        String key = key(slot);
        if (records[slot] == null) {
          records[slot] = EntryRecord.encode(bytes(key), new byte[0], 1, 1);
          order.add(slot);
          expected.add(key);
        } else {
          order.remove(slot);
          records[slot] = null;
          expected.remove(key);
        }
        order.checkInvariants(expected.size(), s -> records[s] != null);
        String from = key(random.nextInt(KEYS));
        assertThat(walkFrom(order, records, from, 5))
            .as("seed %d step %d, nodes %d/%d", seed, step, leaf, inner)
            .containsExactlyElementsOf(expected.tailSet(from).stream().limit(5).toList());
      }
    }
  }

  @Test
  void aRebuildPacksAnyOrderOfSlotsIntoKeyOrder() {
    byte[][] records = new byte[KEYS][];
    int[] slots = new int[KEYS];
    for (int slot = 0; slot < KEYS; slot++) {
      // slot order is not key order: keys descend as slots ascend
      records[slot] = EntryRecord.encode(bytes(key(KEYS - 1 - slot)), new byte[0], 1, 1);
      slots[slot] = slot;
    }
    KeyOrder order = new KeyOrder(slot -> records[slot], 4, 3);

    order.rebuild(slots, KEYS);

    order.checkInvariants(KEYS, s -> true);
    List<String> all = walkFrom(order, records, "", KEYS + 1);
    assertThat(all).hasSize(KEYS).isSorted();
  }

  @Test
  void aRebuildSortsKeysThatShareLongPrefixesOrEndInZeroBytes() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      TreeSet<byte[]> distinct = new TreeSet<>(Arrays::compareUnsigned);
      while (distinct.size() < KEYS) {
        // prefixes of 0, 7, 8, 9 and 16 bytes, and bytes drawn from a few values (0 and 255
        // among them), so that keys tie on whole eight-byte chunks and are prefixes of others
        byte[] key = new byte[random.nextInt(1, 25)];
        int shared = new int[] {0, 7, 8, 9, 16}[random.nextInt(5)];
        for (int i = 0; i < key.length; i++) {
          key[i] = i < shared ? (byte) 'p' : new byte[] {0, 1, 'p', (byte) 255}[random.nextInt(4)];
        }
        distinct.add(key);
      }
      byte[][] records = new byte[KEYS][];
      int[] slots = new int[KEYS];
      List<byte[]> shuffled = new ArrayList<>(distinct);
      Collections.shuffle(shuffled, new Random(seed));
      for (int slot = 0; slot < KEYS; slot++) {
        records[slot] = EntryRecord.encode(shuffled.get(slot), new byte[0], 1, 1);
        slots[slot] = slot;
      }
      KeyOrder order = new KeyOrder(slot -> records[slot], 5, 3);

      order.rebuild(slots, KEYS);

      order.checkInvariants(KEYS, s -> true);
      List<byte[]> walked = new ArrayList<>();
      order.forEachFrom(new byte[0], slot -> {
        int offset = EntryRecord.keyOffset(records[slot]);
        walked.add(Arrays.copyOfRange(
            records[slot], offset, offset + EntryRecord.keyLength(records[slot])));
        return true;
      });
      assertThat(walked).as("seed %d", seed).containsExactlyElementsOf(distinct);
    }
  }

  @Test
  void aRebuildRefusesTwoSlotsWithOneKey() {
    byte[][] records = {
        EntryRecord.encode(bytes("same key, long"), new byte[0], 1, 1),
        EntryRecord.encode(bytes("other"), new byte[0], 2, 2),
        EntryRecord.encode(bytes("same key, long"), new byte[0], 3, 3),
        EntryRecord.encode(bytes("s"), new byte[0], 4, 4),
        EntryRecord.encode(bytes("s"), new byte[0], 5, 5)};
    KeyOrder order = new KeyOrder(slot -> records[slot], 4, 3);

    assertThatThrownBy(() -> order.rebuild(new int[] {0, 1, 2}, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same key");
    assertThatThrownBy(() -> order.rebuild(new int[] {3, 1, 4}, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same key");
  }

  private static List<String> walkFrom(KeyOrder order, byte[][] records, String from, int max) {
    List<String> out = new ArrayList<>();
    order.forEachFrom(bytes(from), slot -> {
      byte[] record = records[slot];
      int offset = EntryRecord.keyOffset(record);
      out.add(new String(Arrays.copyOfRange(record, offset,
          offset + EntryRecord.keyLength(record)), StandardCharsets.US_ASCII));
      return out.size() < max;
    });
    return out;
  }

  private static String key(int i) {
    return String.format("%05d", i * 7919 % 100_000);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
