package io.pensieve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.proto.v1.EvictionPolicy;
import org.junit.jupiter.api.Test;

class EvictionPolicyNamesTest {
  @Test
  void everyPolicyReadsBackItsOwnName() {
    for (EvictionPolicy policy : EvictionPolicy.values()) {
      if (policy != EvictionPolicy.UNRECOGNIZED) {
        assertThat(EvictionPolicyNames.parse("policy", EvictionPolicyNames.name(policy)))
            .isEqualTo(policy);
      }
    }
  }

  @Test
  void namesAreReadInAnyCase() {
    assertThat(EvictionPolicyNames.parse("policy", "NoEviction"))
        .isEqualTo(EvictionPolicy.EVICTION_POLICY_NOEVICTION);
  }

  @Test
  void anUnknownNameIsRefusedNamingTheField() {
    assertThatThrownBy(() -> EvictionPolicyNames.parse("--eviction-policy", "lfu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--eviction-policy must be lru or noeviction, not 'lfu'");
  }
}
