package io.pensieve.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * SipHash-2-4 of key bytes under a secret per-map key. Keys come from untrusted clients, and a
 * predictable hash would let one of them pile every key into a single hash chain; the index
 * layout is never part of the replicated state, so each replica may pick its own secret.
 */
final class KeyHasher {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long k0;
  private final long k1;

  KeyHasher(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  static KeyHasher withRandomKey() {
    SecureRandom random = new SecureRandom();
    return new KeyHasher(random.nextLong(), random.nextLong());
  }

  int hash(byte[] data, int offset, int length) {
    long h = hash64(data, offset, length);
    return (int) (h ^ (h >>> 32));
  }

  long hash64(byte[] data, int offset, int length) {
    SipState s = new SipState(k0, k1);
    int lastBlock = offset + (length & ~7);
    for (int i = offset; i < lastBlock; i += 8) {
      s.compress((long) LONG_LE.get(data, i));
    }
    long last = ((long) length & 0xff) << 56;
    for (int i = lastBlock, shift = 0; i < offset + length; i++, shift += 8) {
      last |= (data[i] & 0xffL) << shift;
    }
    s.compress(last);
    return s.finish();
  }

  /** The four state words; short-lived, so the JIT keeps them in registers. */
  private static final class SipState {
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    SipState(long k0, long k1) {
      v0 = k0 ^ 0x736f6d6570736575L;
      v1 = k1 ^ 0x646f72616e646f6dL;
      v2 = k0 ^ 0x6c7967656e657261L;
      v3 = k1 ^ 0x7465646279746573L;
    }

    void compress(long m) {
      v3 ^= m;
      round();
      round();
      v0 ^= m;
    }

    long finish() {
      v2 ^= 0xff;
      round();
      round();
      round();
      round();
      return v0 ^ v1 ^ v2 ^ v3;
    }

    private void round() {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
  }
}
