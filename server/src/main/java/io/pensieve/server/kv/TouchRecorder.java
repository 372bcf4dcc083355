package io.pensieve.server.kv;

import com.google.protobuf.ByteString;
import io.pensieve.statemachine.CommandValidator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys this node served reads for since the last Touch it proposed, so that reads count
 * towards LRU order on every replica. Bounded: past {@link CommandValidator#MAX_TOUCH_KEYS}
 * distinct keys, further ones wait for the next interval's reads.
 */
final class TouchRecorder {
  private Set<ByteString> keys = new LinkedHashSet<>();
  private volatile boolean enabled;

  /** Touches matter only while the cluster has a capacity limit; otherwise nothing is kept. */
  void enable(boolean on) {
    enabled = on;
  }

  void record(ByteString key) {
    if (!enabled) {
      return;
    }
    synchronized (this) {
      if (keys.size() < CommandValidator.MAX_TOUCH_KEYS) {
        keys.add(key);
      }
    }
  }

  /** The keys recorded since the last drain, in the order first read. */
  List<ByteString> drain() {
    Set<ByteString> taken;
    synchronized (this) {
      taken = keys;
      keys = new LinkedHashSet<>();
    }
    return new ArrayList<>(taken);
  }
}
