package io.pensieve.server;

import io.pensieve.server.admin.AdminService;
import io.pensieve.server.auth.AccessControl;
import io.pensieve.server.kv.KvService;
import io.pensieve.server.limits.ConcurrencyLimit;
import io.pensieve.server.metrics.NodeMetrics;
import io.pensieve.server.raft.RaftNode;
import io.pensieve.server.tls.NodeTls;
import java.util.Optional;

/**
 * What the REST and gRPC APIs serve from, built once by {@link PensieveNode}: the operations,
 * and what every request passes through (TLS, the token check, the concurrency limit, the
 * metrics).
 *
 * @param tls present when every port speaks TLS
 * @param limit shared by both APIs
 */
public record NodeParts(
    RaftNode raft,
    KvService kv,
    AdminService admin,
    Optional<NodeTls> tls,
    AccessControl access,
    ConcurrencyLimit limit,
    NodeMetrics metrics) {}
