package io.pensieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeySpaceTest {

  @Test
  void keysAreSixteenBytesNamedLikeTheFormat() {
    for (int index : new int[] {0, 7, 42, 9_999, 123_456_789, KeySpace.MAX_SIZE - 1}) {
      String key = KeySpace.key(index);

      assertThat(key).isEqualTo(String.format("bench-%010d", index));
      assertThat(key.getBytes(StandardCharsets.UTF_8)).hasSize(16);
    }
  }

  @Test
  void theSameSeedPicksTheSameKeysAndEveryKeyGetsPicked() {
    KeySpace keys = new KeySpace(10);
    Random first = new Random(42);
    Random second = new Random(42);

    String[] picked = IntStream.range(0, 1000).mapToObj(i -> keys.pick(first))
        .toArray(String[]::new);

    assertThat(IntStream.range(0, 1000).mapToObj(i -> keys.pick(second))).containsExactly(picked);
    assertThat(picked).containsOnly(IntStream.range(0, 10).mapToObj(KeySpace::key)
        .toArray(String[]::new));
  }

  @Test
  void aKeySpaceHoldsOneKeyToABillion() {
    assertThatThrownBy(() -> new KeySpace(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeySpace(KeySpace.MAX_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
