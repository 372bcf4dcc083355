package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.raft.Readiness;

/**
 * {@code GET /ready}: 200 while the node is ready ({@link Readiness}), else 503 and why; a
 * halted node says where and why it halted.
 */
final class ReadinessCheck {
  private final RaftNode raft;

  ReadinessCheck(RaftNode raft) {
    this.raft = raft;
  }

  void reply(Exchange exchange) {
    Readiness readiness = raft.readiness();
    ObjectNode body = Json.object().put("ready", readiness.ready())
        .put("leader", readiness.leader())
        .put("commit_index", readiness.commitIndex())
        .put("applied_index", readiness.appliedIndex());
    if (!readiness.ready()) {
      body.put("reason", readiness.reason());
      raft.stateMachine().halt().ifPresent(halt -> body.set("halted", HealthCheck.json(halt)));
      exchange.header("Retry-After", "1");
    }
    exchange.json(readiness.ready() ? 200 : 503, body);
  }
}
