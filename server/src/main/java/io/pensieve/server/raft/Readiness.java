package io.pensieve.server.raft;

import io.pensieve.statemachine.StateMachineHalt;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * Whether a node should be sent requests: it is a serving member, knows a leader, and a ReadIndex
 * round with that leader, begun at most {@link ReadinessMonitor#CAUGHT_UP_FOR} ago, found it had
 * applied everything the leader had committed. A follower cut off from its leader stops being
 * ready once its rounds stop succeeding, and forgets the leader after one election timeout; once
 * the partition heals it is ready again only when a round confirms it has applied what the
 * majority committed meanwhile. Its own commit index could not tell: a follower learns its
 * leader from the first append after the heal, before it learns what was committed meanwhile.
 *
 * @param reason why the node is not ready; empty when it is
 */
public record Readiness(boolean ready, String leader, long commitIndex, long appliedIndex,
    String reason) {

  static final Readiness NOT_MEMBER =
      new Readiness(false, "", -1, -1, "not a serving member of the cluster");

  /** @param caughtUp whether a recent ReadIndex round succeeded */
  static Readiness of(RaftNode raft, boolean caughtUp) {
    Optional<StateMachineHalt> halt = raft.stateMachine().halt();
    if (halt.isPresent()) {
      // its member of the group is closed: it knows no leader and applies nothing more
      return new Readiness(false, "",
          raft.currentDivision().map(d -> d.getRaftLog().getLastCommittedIndex()).orElse(-1L),
          raft.stateMachine().getLastAppliedTermIndex().getIndex(), halt.get().describe());
    }
    if (!raft.joined()) {
      return NOT_MEMBER;
    }
    RaftServer.Division division = raft.division();
    String leader = raft.leaderId().map(RaftPeerId::toString).orElse("");
    long committed = division.getRaftLog().getLastCommittedIndex();
    long applied = division.getInfo().getLastAppliedIndex();
    String reason = leader.isEmpty() ? "no leader known"
        : !caughtUp ? "not yet confirmed to have applied what leader " + leader + " committed"
        : "";
    return new Readiness(reason.isEmpty(), leader, committed, applied, reason);
  }
}
