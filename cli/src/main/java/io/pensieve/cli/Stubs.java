package io.pensieve.cli;

import io.grpc.Channel;
import io.grpc.health.v1.HealthGrpc;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.LeaseGrpc;

/**
 * The stubs of one call, bound to one node's channel; the channel gives each call the deadline
 * of the pvctl call it is part of.
 */
record Stubs(Channel channel) {
  KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel);
  }

  LeaseGrpc.LeaseBlockingStub lease() {
    return LeaseGrpc.newBlockingStub(channel);
  }

  AdminGrpc.AdminBlockingStub admin() {
    return AdminGrpc.newBlockingStub(channel);
  }

  /** For the client stream of RestoreSnapshot. */
  AdminGrpc.AdminStub adminAsync() {
    return AdminGrpc.newStub(channel);
  }

  HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel);
  }
}
