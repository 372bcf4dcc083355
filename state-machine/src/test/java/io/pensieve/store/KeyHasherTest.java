package io.pensieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.apache.ratis.thirdparty.com.google.common.hash.HashFunction;
import org.apache.ratis.thirdparty.com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;

class KeyHasherTest {
  /** The reference key of the SipHash paper: bytes 00..0f. */
  private static final long K0 = 0x0706050403020100L;
  private static final long K1 = 0x0f0e0d0c0b0a0908L;

  @Test
  void matchesThePapersTestVectors() {
    KeyHasher hasher = new KeyHasher(K0, K1);
    assertThat(hasher.hash64(ascending(0), 0, 0)).isEqualTo(0x726fdb47dd0e0e31L);
    assertThat(hasher.hash64(ascending(1), 0, 1)).isEqualTo(0x74f839c593dc67fdL);
    assertThat(hasher.hash64(ascending(15), 0, 15)).isEqualTo(0xa129ca6149be45e5L);
  }

  @Test
  void agreesWithGuavasSipHashOnRandomInputsAndOffsets() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      long k0 = random.nextLong();
      long k1 = random.nextLong();
      byte[] data = new byte[random.nextInt(80)];
      random.nextBytes(data);
      int offset = data.length == 0 ? 0 : random.nextInt(data.length);
      int length = random.nextInt(data.length - offset + 1);

      HashFunction reference = Hashing.sipHash24(k0, k1);
      long expected = reference.hashBytes(data, offset, length).asLong();
      assertThat(new KeyHasher(k0, k1).hash64(data, offset, length))
          .as("length %d at offset %d", length, offset)
          .isEqualTo(expected);
    }
  }

  @Test
  void differentSecretsHashTheSameKeyDifferently() {
    byte[] key = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(42).array();
    assertThat(new KeyHasher(1, 2).hash64(key, 0, 8)).isNotEqualTo(new KeyHasher(3, 4).hash64(key, 0, 8));
  }

  private static byte[] ascending(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }
}
