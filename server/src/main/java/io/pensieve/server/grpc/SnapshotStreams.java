package io.pensieve.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.RestoreSnapshotResponse;
import io.pensieve.proto.v1.SnapshotChunk;
import io.pensieve.proto.v1.TakeSnapshotResponse;
import io.pensieve.server.kv.KvException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files over gRPC streams, in chunks: a download paced by the client's flow control
 * (so a slow client never makes the node buffer a whole snapshot), and an upload spooled to a
 * file before it is restored.
 */
final class SnapshotStreams {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStreams.class);
  private static final int CHUNK_BYTES = 1024 * 1024;

  private SnapshotStreams() {}

  /**
   * Streams the snapshot file once {@code snapshot} is taken. The handlers are set now, while
   * gRPC still allows it; the file is opened before the first chunk, so retention may delete it
   * meanwhile without cutting the download short.
   */
  static void download(CompletableFuture<TakeSnapshotResponse> snapshot,
      ServerCallStreamObserver<SnapshotChunk> observer) {
    Download download = new Download(observer);
    observer.setOnCancelHandler(download::cancel);
    observer.setOnReadyHandler(download::pump);
    var unused = snapshot.whenComplete(download::start); // start() handles both outcomes
  }

  /** Sends chunks while the client can take them; gRPC and the snapshot both drive it. */
  private static final class Download {
    private final ServerCallStreamObserver<SnapshotChunk> observer;
    private TakeSnapshotResponse snapshot;
    private InputStream in;
    private boolean sentFirst;
    private boolean finished;

    Download(ServerCallStreamObserver<SnapshotChunk> observer) {
      this.observer = observer;
    }

    synchronized void start(TakeSnapshotResponse taken, Throwable failure) {
      if (finished) {
        return;
      }
      if (failure != null) {
        fail(failure);
        return;
      }
      try {
        in = Files.newInputStream(Path.of(taken.getPath()));
      } catch (IOException e) {
        fail(new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE, "cannot open the snapshot: " + e));
        return;
      }
      snapshot = taken;
      pump();
    }

    synchronized void pump() {
      if (in == null || finished) {
        return;
      }
      try {
        while (observer.isReady()) {
          byte[] buffer = in.readNBytes(CHUNK_BYTES);
          if (buffer.length == 0 && sentFirst) {
            finished = true;
            in.close();
            observer.onCompleted();
            return;
          }
          SnapshotChunk.Builder chunk = SnapshotChunk.newBuilder()
              .setData(ByteString.copyFrom(buffer));
          if (!sentFirst) {
            chunk.setSnapshot(snapshot);
            sentFirst = true;
          }
          observer.onNext(chunk.build());
        }
      } catch (IOException e) {
        fail(new KvException(ErrorCode.ERROR_CODE_UNAVAILABLE,
            "reading the snapshot failed: " + e));
      }
    }

    synchronized void cancel() {
      finished = true;
      if (in != null) {
        closeQuietly(in);
      }
    }

    private void fail(Throwable failure) {
      finished = true;
      if (in != null) {
        closeQuietly(in);
      }
      observer.onError(GrpcStatus.of(failure));
    }
  }

  /** Spools the uploaded chunks to a scratch file, then hands the file to {@code restore}. */
  static StreamObserver<SnapshotChunk> receive(Path scratch, Optional<KvException> refusal,
      Function<Path, CompletableFuture<RestoreSnapshotResponse>> restore,
      StreamObserver<RestoreSnapshotResponse> observer) {
    if (refusal.isPresent()) {
      observer.onError(GrpcStatus.of(refusal.get()));
      return new Ignored();
    }
    Path file;
    OutputStream out;
    try {
      Files.createDirectories(scratch);
      file = Files.createTempFile(scratch, "restore-", ".pvsn");
      out = Files.newOutputStream(file);
    } catch (IOException e) {
      observer.onError(GrpcStatus.of(new KvException(
          ErrorCode.ERROR_CODE_UNAVAILABLE, "cannot spool the upload: " + e)));
      return new Ignored();
    }
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(SnapshotChunk chunk) {
        if (failed) {
          return;
        }
        try {
          chunk.getData().writeTo(out);
        } catch (IOException e) {
          failed = true;
          discard(out, file);
          observer.onError(GrpcStatus.of(new KvException(
              ErrorCode.ERROR_CODE_UNAVAILABLE, "cannot spool the upload: " + e)));
        }
      }

      @Override
      public void onError(Throwable t) {
        discard(out, file);
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        closeQuietly(out);
        CompletableFuture<RestoreSnapshotResponse> restored;
        try {
          restored = restore.apply(file);
        } catch (RuntimeException e) {
          restored = CompletableFuture.failedFuture(e);
        }
        // the callback answers the stream whatever the outcome; nothing reads the returned future
        var unused = restored.whenComplete((response, failure) -> {
          discard(out, file);
          if (failure != null) {
            observer.onError(GrpcStatus.of(failure));
          } else {
            observer.onNext(response);
            observer.onCompleted();
          }
        });
      }
    };
  }

  private static void discard(OutputStream out, Path file) {
    closeQuietly(out);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Could not delete {}", file, e);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // nothing left to do with it
    }
  }

  /** The rest of a stream that was already refused. */
  private static final class Ignored implements StreamObserver<SnapshotChunk> {
    @Override
    public void onNext(SnapshotChunk chunk) { }

    @Override
    public void onError(Throwable t) { }

    @Override
    public void onCompleted() { }
  }
}
