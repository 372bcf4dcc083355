package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.api.ErrorContract;
import io.pensieve.proto.v1.ErrorCode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises itself (a malformed request line, a URI it refuses, a handler failure)
 * in the API's error model, so that clients parse one shape whatever went wrong.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Exchange.JSON);
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  private static byte[] body(int status, String message) {
    ObjectNode body = Json.object();
    body.putObject("error").put("code", codeOf(status))
        .put("message", message == null ? HttpStatus.getMessage(status) : message);
    return Json.bytes(body);
  }

  /** The code of an error Jetty answers itself, before any route runs (bad request line...). */
  private static String codeOf(int status) {
    ErrorCode code = switch (status) {
      case 400 -> ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
      case 401 -> ErrorCode.ERROR_CODE_UNAUTHENTICATED;
      case 403 -> ErrorCode.ERROR_CODE_PERMISSION_DENIED;
      case 404 -> ErrorCode.ERROR_CODE_NOT_FOUND;
      case 405 -> ErrorCode.ERROR_CODE_METHOD_NOT_ALLOWED;
      case 413, 431 -> ErrorCode.ERROR_CODE_BODY_TOO_LARGE;
      case 415 -> ErrorCode.ERROR_CODE_UNSUPPORTED_MEDIA_TYPE;
      case 503 -> ErrorCode.ERROR_CODE_UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.ERROR_CODE_INTERNAL
          : ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    };
    return ErrorContract.of(code).name();
  }
}
