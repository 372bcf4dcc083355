package io.pensieve.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyRangesTest {
  @Test
  void aPrefixEndsAtItsLastByteIncremented() {
    assertThat(KeyRanges.prefixEnd(new byte[] {'a', 'b'})).containsExactly('a', 'c');
  }

  @Test
  void trailingFfBytesAreDroppedBeforeIncrementing() {
    assertThat(KeyRanges.prefixEnd(new byte[] {'a', (byte) 0xff, (byte) 0xff}))
        .containsExactly('b');
  }

  @Test
  void allFfOrEmptyMeansEveryKeyFromThePrefixOn() {
    assertThat(KeyRanges.prefixEnd(new byte[] {(byte) 0xff})).containsExactly(0);
    assertThat(KeyRanges.prefixEnd(new byte[0])).containsExactly(0);
  }
}
