package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

  private static String codeOf(int status) {
    return switch (status) {
      case 400 -> "invalid_argument";
      case 401 -> "unauthenticated";
      case 403 -> "permission_denied";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413, 431 -> "body_too_large";
      case 415 -> "unsupported_media_type";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal" : "invalid_argument";
    };
  }
}
