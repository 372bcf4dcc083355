package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.NotSslRecordException;
import io.pensieve.api.ErrorTrailer;
import io.pensieve.client.PensieveException;
import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrpcErrorsTest {
  private static final String NODE = "127.0.0.1:9001";

  private static StatusRuntimeException failure(String code, String serverCode, String message) {
    Metadata trailers = new Metadata();
    if (serverCode != null) {
      trailers.put(ErrorTrailer.KEY, serverCode);
    }
    return Status.Code.valueOf(code).toStatus().withDescription(message)
        .asRuntimeException(trailers);
  }

  @ParameterizedTest(name = "{0} {1} on a {2} exits {3}")
  @CsvSource(delimiter = '|', value = {
      // status              | trailer          | kind  | exit | message
      "NOT_FOUND             | not_found        | WRITE | 1 | no member n9 (not_found)",
      "ALREADY_EXISTS        | already_exists   | WRITE | 1 | no member n9 (already_exists)",
      "FAILED_PRECONDITION   | failed_precondition | WRITE | 1 | no member n9 (failed_precondition)",
      "RESOURCE_EXHAUSTED    | value_too_large  | WRITE | 1 | no member n9 (value_too_large)",
      "UNIMPLEMENTED         |                  | READ  | 1 | the node at 127.0.0.1:9001 does not serve this request",
      "INTERNAL              | internal         | READ  | 1 | no member n9 (internal)",
      "INTERNAL              | internal         | WRITE | 3 | no member n9 (internal)",
      "UNAVAILABLE           | overloaded       | WRITE | 3 | 127.0.0.1:9001: no member n9 (overloaded)",
      "UNAVAILABLE           | a_newer_code     | WRITE | 3 | may or may not have been applied (unknown_outcome)",
      "FAILED_PRECONDITION   | a_newer_code     | READ  | 1 | no member n9 (a_newer_code)",
      "INVALID_ARGUMENT      | invalid_argument | WRITE | 2 | no member n9 (invalid_argument)",
      "OUT_OF_RANGE          |                  | READ  | 2 | no member n9 (out_of_range)",
      "UNAVAILABLE           | no_leader        | WRITE | 3 | 127.0.0.1:9001: no member n9 (no_leader)",
      "UNAVAILABLE           |                  | READ  | 3 | 127.0.0.1:9001: no member n9 (unavailable)",
      "UNAVAILABLE           |                  | WRITE | 3 | may or may not have been applied (unknown_outcome)",
      "DEADLINE_EXCEEDED     | unknown_outcome  | WRITE | 3 | no member n9 (unknown_outcome)",
      "DEADLINE_EXCEEDED     |                  | WRITE | 3 | 127.0.0.1:9001 did not answer within 10s: the request may or may not have been applied (unknown_outcome)",
      "DEADLINE_EXCEEDED     |                  | READ  | 3 | 127.0.0.1:9001 did not answer within 10s (deadline_exceeded)",
      "UNAUTHENTICATED       | unauthenticated  | READ  | 4 | 127.0.0.1:9001: no member n9 (unauthenticated); give a token with --token-file",
      "PERMISSION_DENIED     | permission_denied | WRITE | 4 | 127.0.0.1:9001: no member n9 (permission_denied)"})
  void eachStatusHasItsExitCodeAndMessage(String code, String serverCode, RequestKind kind,
      int exitCode, String message) {
    CliError error = GrpcErrors.toCliError(failure(code, serverCode, "no member n9"), kind, NODE,
        Duration.ofSeconds(10));

    assertThat(error.exitCode()).isEqualTo(exitCode);
    assertThat(error.getMessage()).contains(message);
  }

  /**
   * pvctl's rule for going on to the next endpoint is the client library's, from the error
   * table: a code this pvctl does not know is final, even on a read.
   */
  @ParameterizedTest(name = "{0} {1} on a {2}: next endpoint {3}")
  @CsvSource(delimiter = '|', value = {
      "UNAVAILABLE        | no_leader       | READ  | true",
      "UNAVAILABLE        | no_leader       | WRITE | true",
      "UNAVAILABLE        | unavailable     | WRITE | true",
      "UNAVAILABLE        | overloaded      | WRITE | true",
      "UNAVAILABLE        | a_newer_code    | READ  | false",
      "UNAVAILABLE        | a_newer_code    | WRITE | false",
      "INTERNAL           | internal        | READ  | false",
      "UNAVAILABLE        |                 | READ  | true",
      "UNAVAILABLE        |                 | WRITE | false",
      "DEADLINE_EXCEEDED  |                 | READ  | false",
      "DEADLINE_EXCEEDED  | unknown_outcome | WRITE | false",
      "NOT_FOUND          | not_found       | READ  | false",
      "FAILED_PRECONDITION | failed_precondition | WRITE | false",
      "INVALID_ARGUMENT   | invalid_argument | WRITE | false",
      "UNAUTHENTICATED    | unauthenticated | READ  | false",
      "PERMISSION_DENIED  | permission_denied | READ | false"})
  void onlyWhatCertainlyDidNotApplyGoesToTheNextEndpoint(String code, String serverCode,
      RequestKind kind, boolean next) {
    assertThat(PensieveException.of(failure(code, serverCode, "x"), kind == RequestKind.WRITE,
        NODE).retrySafe()).isEqualTo(next);
  }

  @Test
  void aFinalFailureIsWordedForTheEndpointItCameFrom() {
    PensieveException refused = PensieveException.of(
        failure("PERMISSION_DENIED", "permission_denied", "role reader may not write"), true,
        NODE);

    CliError error = GrpcErrors.toCliError(refused, RequestKind.WRITE, Duration.ofSeconds(10));

    assertThat(error.exitCode()).isEqualTo(ExitCode.NOT_ALLOWED);
    assertThat(error.getMessage())
        .isEqualTo(NODE + ": role reader may not write (permission_denied)");
  }

  @ParameterizedTest(name = "{0} {1}: unreachable {2}")
  @CsvSource(delimiter = '|', value = {
      "UNAVAILABLE        |                 | true",
      "DEADLINE_EXCEEDED  |                 | true",
      "UNAVAILABLE        | unavailable     | true",
      "UNAVAILABLE        | no_leader       | false",
      "UNIMPLEMENTED      |                 | false",
      "PERMISSION_DENIED  | permission_denied | false"})
  void aMemberIsDownWhenNoAnswerCameOrItCannotServeNow(String code, String serverCode,
      boolean unreachable) {
    assertThat(GrpcErrors.unreachable(failure(code, serverCode, "x"))).isEqualTo(unreachable);
  }

  @Test
  void aWriteThatNeverConnectedGoesToTheNextEndpoint() {
    StatusRuntimeException refused = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new ConnectException("Connection refused: /127.0.0.1:9001"))
        .asRuntimeException();

    assertThat(PensieveException.of(refused, true, NODE).retrySafe()).isTrue();
    assertThat(GrpcErrors.describe(refused)).isEqualTo("connection refused");
  }

  @Test
  void theCodeIsTheTrailerOrTheStatusInSnakeCase() {
    assertThat(GrpcErrors.code(failure("UNAVAILABLE", "no_leader", "x"))).isEqualTo("no_leader");
    assertThat(GrpcErrors.code(failure("DEADLINE_EXCEEDED", null, "x")))
        .isEqualTo("deadline_exceeded");
  }

  @Test
  void aNodeCertificateTheCaDidNotSignIsReportedAndTheWriteGoesOn() {
    StatusRuntimeException untrusted = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new SSLHandshakeException("PKIX path building failed")
            .initCause(new CertPathBuilderException("unable to find valid certification path")))
        .asRuntimeException();

    assertThat(PensieveException.of(untrusted, true, NODE).retrySafe()).isTrue();
    assertThat(GrpcErrors.describe(untrusted)).isEqualTo(
        "TLS handshake failed: the node's certificate is not signed by a CA in --cacert");
  }

  @Test
  void tlsToAPlaintextNodeAndPlaintextToATlsNodeSayWhatToChange() {
    StatusRuntimeException notTls = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new NotSslRecordException("not an SSL/TLS record: 000012"))
        .asRuntimeException();
    StatusRuntimeException closed = Status.UNAVAILABLE
        .withDescription("Network closed for unknown reason").asRuntimeException();

    assertThat(GrpcErrors.describe(notTls))
        .isEqualTo("the node does not speak TLS; leave out --cacert and PENSIEVE_CACERT");
    assertThat(PensieveException.of(notTls, true, NODE).retrySafe()).isTrue();
    assertThat(GrpcErrors.describe(closed))
        .isEqualTo("the node closed the connection; if it uses TLS, give --cacert");
  }
}
