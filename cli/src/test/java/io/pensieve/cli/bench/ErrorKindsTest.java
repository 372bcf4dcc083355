package io.pensieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.client.PensieveException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** How each client names what went wrong: short, stable kinds to count errors by. */
class ErrorKindsTest {

  private static byte[] body(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void restKindsAreTheStatusAndTheNodesCode() {
    assertThat(RestKvClient.errorKind(200, body("{\"key\":\"k\"}"))).isNull();
    assertThat(RestKvClient.errorKind(404, body("{\"error\":{\"code\":\"not_found\"}}")))
        .isEqualTo("not_found");
    assertThat(RestKvClient.errorKind(503,
        body("{\"error\":{\"code\":\"overloaded\",\"message\":\"busy\"}}")))
        .isEqualTo("HTTP_503/overloaded");
    assertThat(RestKvClient.errorKind(502, body("<html>bad gateway</html>")))
        .isEqualTo("HTTP_502");
  }

  @Test
  void connectionFailuresAreIoKinds() {
    assertThat(HttpConnection.errorKind(new ConnectException("refused")))
        .isEqualTo("io/connect_failed");
    assertThat(HttpConnection.errorKind(new SSLHandshakeException("bad")))
        .isEqualTo("io/tls_failed");
  }

  @Test
  void grpcKindsAreTheStatusCodeAndTheNodesCode() {
    Metadata trailers = new Metadata();
    trailers.put(ErrorTrailer.KEY, "overloaded");

    assertThat(GrpcKvClient.errorKind(PensieveException.of(
        Status.UNAVAILABLE.asRuntimeException(trailers), true, "127.0.0.1:9001")))
        .isEqualTo("UNAVAILABLE/overloaded");
    assertThat(GrpcKvClient.errorKind(PensieveException.of(
        Status.DEADLINE_EXCEEDED.asRuntimeException(), true, "127.0.0.1:9001")))
        .isEqualTo("DEADLINE_EXCEEDED");
  }
}
