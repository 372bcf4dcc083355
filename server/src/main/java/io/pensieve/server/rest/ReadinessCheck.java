package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.server.raft.RaftNode;
import org.apache.ratis.server.RaftServer;

/** {@code GET /ready}: 200 once the node knows a leader and has applied all it knows committed. */
final class ReadinessCheck {
  private final RaftNode raft;

  ReadinessCheck(RaftNode raft) {
    this.raft = raft;
  }

  void reply(Exchange exchange) {
    RaftServer.Division division = raft.division();
    String leader = raft.leaderId().map(Object::toString).orElse("");
    long committed = division.getRaftLog().getLastCommittedIndex();
    long applied = division.getInfo().getLastAppliedIndex();
    boolean ready = !leader.isEmpty() && applied >= committed;
    ObjectNode body = Json.object().put("ready", ready).put("leader", leader)
        .put("commit_index", committed).put("applied_index", applied);
    if (!ready) {
      exchange.header("Retry-After", "1");
    }
    exchange.json(ready ? 200 : 503, body);
  }
}
