package io.pensieve.server.raft;

import java.util.Optional;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * Whether a node should be sent requests: it is a serving member, knows a leader, and has
 * applied everything it knows to be committed. One definition for {@code GET /ready} and the
 * gRPC health service. A follower cut off from its leader starts an election after one timeout
 * and forgets the leader, so it stops being ready then; it is ready again once a leader's
 * appends have reached it and it has applied them.
 *
 * @param reason why the node is not ready; empty when it is
 */
public record Readiness(boolean ready, String leader, long commitIndex, long appliedIndex,
    String reason) {

  public static Readiness of(RaftNode raft) {
    if (!raft.joined()) {
      return new Readiness(false, "", -1, -1, "not a serving member of the cluster");
    }
    RaftServer.Division division = raft.division();
    String leader = raft.leaderId().map(RaftPeerId::toString).orElse("");
    long committed = division.getRaftLog().getLastCommittedIndex();
    long applied = division.getInfo().getLastAppliedIndex();
    Optional<String> reason = leader.isEmpty() ? Optional.of("no leader known")
        : applied < committed ? Optional.of("applied " + applied + " of " + committed
            + " committed entries")
        : Optional.empty();
    return new Readiness(reason.isEmpty(), leader, committed, applied, reason.orElse(""));
  }
}
