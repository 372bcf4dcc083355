package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.statemachine.StateMachineHalt;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /health}: 200 while the process runs, member or not (a joiner waits); 503 once
 * its state machine halted at a log entry it could not apply, with the index and the reason.
 * A halted node stays up to say so here and in its metrics, and serves nothing else.
 */
final class HealthCheck {
  private final RaftNode raft;
  private final NodeInfo node;

  HealthCheck(RaftNode raft, NodeInfo node) {
    this.raft = raft;
    this.node = node;
  }

  void reply(Exchange exchange) {
    Optional<StateMachineHalt> halt = raft.stateMachine().halt();
    ObjectNode body = Json.object()
        .put("status", halt.isPresent() ? "halted" : "healthy")
        .put("node_id", node.id())
        .put("member", raft.joined());
    halt.ifPresent(stopped -> body.set("halted", json(stopped)));
    body.put("timestamp", Instant.now().toString());
    exchange.json(halt.isPresent() ? 503 : 200, body);
  }

  /** What {@code /health} and {@code /ready} say of a halt. */
  static ObjectNode json(StateMachineHalt halt) {
    return Json.object()
        .put("index", halt.index())
        .put("term", halt.term())
        .put("command", halt.command())
        .put("reason", halt.reason())
        .put("message", halt.describe());
  }
}
