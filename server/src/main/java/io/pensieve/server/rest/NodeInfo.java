package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.internal.v1.MemberAddresses;

/**
 * This node's id and addresses, served at {@code GET /v1/node} before the node has joined a
 * cluster: how a node given its peers' REST URLs learns their ids and Raft addresses.
 */
public record NodeInfo(String id, String raftAddress, String restAddress, String grpcAddress) {

  ObjectNode json() {
    return Json.object().put("id", id).put("raft_address", raftAddress)
        .put("rest_address", restAddress).put("grpc_address", grpcAddress);
  }

  public MemberAddresses addresses() {
    return MemberAddresses.newBuilder().setMemberId(id).setRestAddress(restAddress)
        .setGrpcAddress(grpcAddress).build();
  }
}
