package io.pensieve.server.raft;

import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * Whether a node should be sent requests: it is a serving member, knows a leader, and has
 * applied everything that was committed one {@link ReadinessMonitor} period ago. A follower cut
 * off from its leader starts an election after one timeout and forgets the leader, so it stops
 * being ready then; it is ready again once a leader's appends have reached it and it has
 * applied them. Comparing with the commit index of a period ago, not the current one, keeps a
 * busy node ready: under steady writes a node applies an entry a moment after it learns it is
 * committed, so its applied index is almost never equal to its commit index.
 *
 * @param reason why the node is not ready; empty when it is
 */
public record Readiness(boolean ready, String leader, long commitIndex, long appliedIndex,
    String reason) {

  static final Readiness NOT_MEMBER =
      new Readiness(false, "", -1, -1, "not a serving member of the cluster");

  /**
   * @param mustHaveApplied the commit index one period ago (the current one at the first look)
   */
  static Readiness of(RaftNode raft, long mustHaveApplied) {
    if (!raft.joined()) {
      return NOT_MEMBER;
    }
    RaftServer.Division division = raft.division();
    String leader = raft.leaderId().map(RaftPeerId::toString).orElse("");
    long committed = division.getRaftLog().getLastCommittedIndex();
    long applied = division.getInfo().getLastAppliedIndex();
    long required = Math.min(mustHaveApplied, committed);
    String reason = leader.isEmpty() ? "no leader known"
        : applied < required ? "applied " + applied + " of " + committed + " committed entries"
        : "";
    return new Readiness(reason.isEmpty(), leader, committed, applied, reason);
  }
}
