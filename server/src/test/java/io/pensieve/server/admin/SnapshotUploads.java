package io.pensieve.server.admin;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.AdminGrpc;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.SnapshotChunk;
import io.pensieve.server.grpc.KvClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Uploads a snapshot file to a node's Admin.RestoreSnapshot, as pvctl does, in small chunks. */
final class SnapshotUploads {
  private SnapshotUploads() {}

  static RestoreSnapshotResponse restore(KvClient client, byte[] file) throws Exception {
    CompletableFuture<RestoreSnapshotResponse> result = new CompletableFuture<>();
    StreamObserver<SnapshotChunk> upload = AdminGrpc.newStub(client.channel())
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .restoreSnapshot(new StreamObserver<>() {
          @Override
          public void onNext(RestoreSnapshotResponse response) {
            result.complete(response);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() { }
        });
    for (int from = 0; from < file.length; from += 1000) {
      upload.onNext(SnapshotChunk.newBuilder()
          .setData(ByteString.copyFrom(file, from, Math.min(1000, file.length - from))).build());
    }
    upload.onCompleted();
    return result.get(60, TimeUnit.SECONDS);
  }
}
