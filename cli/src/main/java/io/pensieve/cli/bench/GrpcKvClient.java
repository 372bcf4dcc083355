package io.pensieve.cli.bench;

import com.google.protobuf.ByteString;
import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import java.nio.charset.StandardCharsets;

/**
 * A bench client over one Java client of one endpoint (one HTTP/2 connection), its requests
 * multiplexed on it. An error's kind is the gRPC status code, with the node's own code when it
 * sent one ({@code UNAVAILABLE/overloaded}); a read of a missing key is {@code not_found}.
 */
final class GrpcKvClient implements KvClient {
  private final PensieveClient client;
  private final ByteString value;
  private final Consistency consistency;

  /** @param client this bench client's own, of one endpoint; closed with it */
  GrpcKvClient(PensieveClient client, String value, boolean staleReads) {
    this.client = client;
    this.value = ByteString.copyFrom(value, StandardCharsets.US_ASCII);
    this.consistency = staleReads
        ? Consistency.CONSISTENCY_STALE : Consistency.CONSISTENCY_LINEARIZABLE;
  }

  @Override
  public void put(String key, Done done) {
    client.putAsync(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(value).build(), new Answer<PutResponse>(done));
  }

  @Override
  public void get(String key, Done done) {
    client.getAsync(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setConsistency(consistency).build(), new Answer<GetResponse>(done) {
          @Override
          public void succeeded(GetResponse response) {
            done.complete(response.getFound() ? null : "not_found");
          }
        });
  }

  /** {@code CODE} or {@code CODE/node_code}. */
  static String errorKind(PensieveException failure) {
    return failure.status().name() + failure.nodeCode().map(code -> "/" + code).orElse("");
  }

  @Override
  public void close() {
    client.close();
  }

  /** One call's end, reported to the bench once. */
  private static class Answer<T> implements PensieveClient.Callback<T> {
    final Done done;

    Answer(Done done) {
      this.done = done;
    }

    @Override
    public void succeeded(T response) {
      done.complete(null);
    }

    @Override
    public void failed(PensieveException failure) {
      done.complete(errorKind(failure));
    }
  }
}
