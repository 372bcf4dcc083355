package io.pensieve.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.server.NodeConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** The Ratis settings that the fault runs showed a node cannot do without, and overrides. */
class RaftTuningTest {
  private final RaftProperties properties =
      RaftTuning.serverProperties(NodeConfig.builder("n1", Path.of("data")).build());

  @Test
  void followerAppendsAreNotChainedSoThatOneFailedAppendCannotWedgeAFollower() {
    assertThat(RaftServerConfigKeys.Log.appendEntriesComposeEnabled(properties)).isFalse();
  }

  @Test
  void systemPropertiesNamedRaftReplaceTheNodesSettingsAndNothingElse() {
    Properties overrides = new Properties();
    overrides.setProperty("raft.server.log.force.sync.num", "7");
    overrides.setProperty("raft.server.log.segment.cache.num.max", "5");
    overrides.setProperty("user.name", "ignored");

    RaftProperties tuned = RaftTuning.withOverrides(properties, overrides);

    assertThat(RaftServerConfigKeys.Log.forceSyncNum(tuned)).isEqualTo(7);
    assertThat(RaftServerConfigKeys.Log.segmentCacheNumMax(tuned)).isEqualTo(5);
    assertThat(tuned.get("user.name")).isNull();
  }

  @Test
  void leaderLeaseReadsAreOptIn() {
    assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(properties)).isFalse();
    RaftProperties leased = RaftTuning.serverProperties(
        NodeConfig.builder("n1", Path.of("data")).readLease(true).build());
    assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(leased)).isTrue();
  }

  @Test
  void theLogKeepsNoCommitMarkersFewSegmentsOnTheHeapAndGrowsInSmallSteps() {
    assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(properties)).isFalse();
    assertThat(RaftServerConfigKeys.Log.segmentCacheNumMax(properties)).isEqualTo(2);
    assertThat(RaftServerConfigKeys.Log.preallocatedSize(properties).getSize())
        .isEqualTo(256 * 1024);
  }
}
