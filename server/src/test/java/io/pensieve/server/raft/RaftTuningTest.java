package io.pensieve.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.NodeConfig;
import java.nio.file.Path;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** The Ratis settings that the fault runs showed a node cannot do without. */
class RaftTuningTest {
  private final RaftProperties properties =
      RaftTuning.serverProperties(NodeConfig.builder("n1", Path.of("data")).build());

  @Test
  void followerAppendsAreNotChainedSoThatOneFailedAppendCannotWedgeAFollower() {
    assertThat(RaftServerConfigKeys.Log.appendEntriesComposeEnabled(properties)).isFalse();
  }
}
