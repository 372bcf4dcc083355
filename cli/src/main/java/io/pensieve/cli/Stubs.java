package io.pensieve.cli;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.KVGrpc;

/** The stubs of one call: bound to one node's channel and to the call's deadline. */
record Stubs(ManagedChannel channel, Deadline deadline) {
  KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadline(deadline);
  }

  AdminGrpc.AdminBlockingStub admin() {
    return AdminGrpc.newBlockingStub(channel).withDeadline(deadline);
  }

  /** For the client stream of RestoreSnapshot. */
  AdminGrpc.AdminStub adminAsync() {
    return AdminGrpc.newStub(channel).withDeadline(deadline);
  }

  HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadline(deadline);
  }
}
