package io.pensieve.cli;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.SnapshotChunk;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A snapshot file sent to a node as RestoreSnapshot's client stream, in 1 MiB chunks, as fast as
 * the call's flow control allows (never more than gRPC has room for in memory).
 */
final class SnapshotUpload implements ClientResponseObserver<SnapshotChunk, RestoreSnapshotResponse> {
  static final int CHUNK_BYTES = 1024 * 1024;

  private final Path file;
  private final CompletableFuture<RestoreSnapshotResponse> result = new CompletableFuture<>();
  private ClientCallStreamObserver<SnapshotChunk> requests;
  private final InputStream in;
  private boolean sent;
  private volatile IOException readFailure;

  private SnapshotUpload(Path file, InputStream in) {
    this.file = file;
    this.in = in;
  }

  /** Sends the whole file and waits for the node's answer, under the stubs' deadline. */
  static RestoreSnapshotResponse send(Stubs stubs, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      SnapshotUpload upload = new SnapshotUpload(file, in);
      stubs.adminAsync().restoreSnapshot(upload);
      return upload.await();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RestoreSnapshotResponse await() throws IOException {
    try {
      RestoreSnapshotResponse response = result.get();
      if (readFailure != null) {
        throw readFailure;
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requests.cancel("interrupted", e);
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } catch (ExecutionException e) {
      if (readFailure != null) {
        throw readFailure;
      }
      if (e.getCause() instanceof StatusRuntimeException failure) {
        throw failure;
      }
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    }
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requestStream) {
    this.requests = requestStream;
    requestStream.setOnReadyHandler(this::sendWhileReady);
  }

  /** Runs on gRPC's thread each time the call can take more: sends chunks until it cannot. */
  private synchronized void sendWhileReady() {
    try {
      while (!sent && requests.isReady()) {
        byte[] chunk = in.readNBytes(CHUNK_BYTES);
        if (chunk.length == 0) {
          sent = true;
          requests.onCompleted();
          return;
        }
        requests.onNext(SnapshotChunk.newBuilder().setData(ByteString.copyFrom(chunk)).build());
      }
    } catch (IOException e) {
      readFailure = e;
      sent = true;
      requests.onError(Status.CANCELLED.withDescription("cannot read " + file).asRuntimeException());
    }
  }

  @Override
  public void onNext(RestoreSnapshotResponse response) {
    result.complete(response);
  }

  @Override
  public void onError(Throwable failure) {
    result.completeExceptionally(failure);
  }

  @Override
  public void onCompleted() {
    if (!result.isDone()) {
      result.completeExceptionally(
          Status.INTERNAL.withDescription("the node closed the call without an answer")
              .asRuntimeException());
    }
  }
}
