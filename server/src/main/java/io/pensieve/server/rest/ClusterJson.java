package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.api.EvictionPolicyNames;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.Member;
import io.pensieve.proto.v1.Settings;
import io.pensieve.proto.v1.StatsResponse;

/** The JSON shapes of {@code /v1/cluster} and {@code /v1/stats}. */
final class ClusterJson {
  private ClusterJson() {}

  static ObjectNode of(ClusterResponse cluster) {
    ObjectNode json = Json.object()
        .put("leader", cluster.getLeaderId())
        .put("term", cluster.getTerm());
    ArrayNode members = json.putArray("members");
    for (Member member : cluster.getMembersList()) {
      members.addObject()
          .put("id", member.getId())
          .put("role", member.getRole().name().substring("ROLE_".length()))
          .put("rest_address", member.getRestAddress())
          .put("grpc_address", member.getGrpcAddress())
          .put("raft_address", member.getRaftAddress());
    }
    return json;
  }

  static ObjectNode stats(StatsResponse stats) {
    long reads = stats.getHits() + stats.getMisses();
    ObjectNode json = Json.object()
        .put("node_id", stats.getNodeId())
        .put("hits", stats.getHits())
        .put("misses", stats.getMisses())
        .put("hit_rate", reads == 0 ? 0.0 : (double) stats.getHits() / reads)
        .put("evictions", stats.getEvictions())
        .put("expirations", stats.getExpirations())
        .put("total_entries", stats.getEntries())
        .put("bytes", stats.getBytes())
        .put("revision", stats.getRevision())
        .put("applied_index", stats.getAppliedIndex());
    Settings settings = stats.getSettings();
    json.putObject("settings")
        .put("max_entries", settings.getMaxEntries())
        .put("max_bytes", settings.getMaxBytes())
        .put("eviction_policy", EvictionPolicyNames.name(settings.getEvictionPolicy()))
        .put("default_ttl_seconds", settings.getDefaultTtlMillis() / 1000.0)
        .put("max_key_bytes", settings.getMaxKeyBytes())
        .put("max_value_bytes", settings.getMaxValueBytes())
        .put("max_range_entries", settings.getMaxRangeEntries())
        .put("max_range_bytes", settings.getMaxRangeBytes())
        .put("max_delete_range_keys", settings.getMaxDeleteRangeKeys())
        .put("max_txn_ops", settings.getMaxTxnOps())
        .put("max_leases", settings.getMaxLeases());
    return json;
  }
}
