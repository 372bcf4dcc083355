package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.auth.CallerAccess;
import io.pensieve.server.kv.KvException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;

/** One HTTP request and its response: reading the body within a limit, writing JSON or bytes. */
final class Exchange {
  static final String JSON = "application/json";
  static final String OCTET_STREAM = "application/octet-stream";
  private static final int RETRY_AFTER_SECONDS = 1;

  final Request request;
  final Response response;
  final Callback callback;
  private final String pathKey;
  private Fields query;
  /** What the caller may do, for checks a request's content decides. */
  private volatile CallerAccess caller = CallerAccess.ANYTHING;
  /** Set once the whole body has been read; only the thread reading it writes it. */
  private volatile boolean bodyRead;

  Exchange(Request request, Response response, Callback callback) {
    this(request, response, callback, "");
  }

  /** @param pathKey the {@code {key}} of the route the path matched, as sent (still encoded) */
  Exchange(Request request, Response response, Callback callback, String pathKey) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.pathKey = pathKey;
  }

  CallerAccess caller() {
    return caller;
  }

  void caller(CallerAccess access) {
    this.caller = access;
  }

  /** The key in the request's path, percent-encoded as sent; empty if its route has none. */
  String pathKey() {
    return pathKey;
  }

  String method() {
    return request.getMethod();
  }

  Optional<String> requestHeader(HttpHeader name) {
    return Optional.ofNullable(request.getHeaders().get(name));
  }

  /** The client's address, for the log. */
  String remote() {
    return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
  }

  /** The body, refused with 413 as soon as more than {@code maxBytes} arrive. */
  CompletableFuture<byte[]> body(int maxBytes) {
    long declared = request.getLength();
    if (declared > maxBytes) {
      return CompletableFuture.failedFuture(tooLarge(declared, maxBytes));
    }
    CompletableFuture<byte[]> body = new CompletableFuture<>();
    readBody(new ByteArrayOutputStream(), maxBytes, body);
    return body;
  }

  /**
   * Reads the chunks that have arrived, then asks Jetty to call again when more do. The bytes
   * are counted here rather than by Jetty's capped readers, whose overflow is an exception told
   * from a failed read only by its message.
   */
  private void readBody(ByteArrayOutputStream bytes, int maxBytes,
      CompletableFuture<byte[]> body) {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(() -> readBody(bytes, maxBytes, body));
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        body.completeExceptionally(new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "could not read the body: " + chunk.getFailure()));
        return;
      }
      ByteBuffer data = chunk.getByteBuffer();
      boolean last = chunk.isLast();
      if (bytes.size() + data.remaining() > maxBytes) {
        // the rest is never read: Jetty closes the connection after the answer
        chunk.release();
        body.completeExceptionally(tooLarge(-1, maxBytes));
        return;
      }
      if (last && bytes.size() == 0) {
        // the usual case, the whole body in one chunk: one copy, not three
        byte[] whole = new byte[data.remaining()];
        data.get(whole);
        chunk.release();
        bodyRead = true;
        body.complete(whole);
        return;
      }
      byte[] copy = new byte[data.remaining()];
      data.get(copy);
      bytes.writeBytes(copy);
      chunk.release();
      if (last) {
        bodyRead = true;
        body.complete(bytes.toByteArray());
        return;
      }
    }
  }

  private static KvException tooLarge(long declared, int maxBytes) {
    return new KvException(ErrorCode.ERROR_CODE_BODY_TOO_LARGE, (declared > 0
        ? "the body is " + declared + " bytes" : "the body is too large")
        + "; this node accepts at most " + maxBytes);
  }

  private boolean hasBody() {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  boolean bodyIsOctetStream() {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith(OCTET_STREAM);
  }

  boolean acceptsOnlyOctetStream() {
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    return accept != null && accept.toLowerCase(Locale.ROOT).startsWith(OCTET_STREAM);
  }

  Optional<String> param(String name) {
    if (query == null) {
      String raw = request.getHttpURI().getQuery();
      Fields fields = new Fields();
      try {
        // strictly: Jetty's default decoding turns bad UTF-8 into U+FFFD, another key or value
        if (raw != null) {
          UrlEncoded.decodeUtf8To(raw, 0, raw.length(), fields::add, false, false, false);
        }
      } catch (IllegalArgumentException e) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "malformed query string: bad percent-encoding or not UTF-8");
      }
      query = fields;
    }
    Fields.Field field = query.get(name);
    return field == null ? Optional.empty() : Optional.of(field.getValue());
  }

  OptionalLong longParam(String name) {
    Optional<String> text = param(name);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text.get()));
    } catch (NumberFormatException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "query parameter " + name + " must be a whole number");
    }
  }

  boolean flag(String name) {
    Optional<String> text = param(name);
    return text.isPresent() && (text.get().isEmpty() || text.get().equals("true"));
  }

  void json(int status, JsonNode body) {
    send(status, JSON, Json.bytes(body));
  }

  void bytes(int status, byte[] body) {
    send(status, OCTET_STREAM, body);
  }

  void header(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /** Replies with the error model: {@code {"error": {"code": ..., "message": ...}}}. */
  void error(Throwable failure) {
    KvException error = KvException.from(failure);
    ObjectNode body = Json.object();
    body.putObject("error").put("code", error.contract().name()).put("message", error.getMessage());
    error(error, body);
  }

  /** Replies to an error with a body of the caller's shape (the seed routes have their own). */
  void error(KvException error, JsonNode body) {
    if (error.contract().retryable()) {
      header(HttpHeader.RETRY_AFTER.asString(), String.valueOf(RETRY_AFTER_SECONDS));
    }
    if (error.code() == ErrorCode.ERROR_CODE_UNAUTHENTICATED) {
      // RFC 6750: a 401 names the scheme the client should use
      header(HttpHeader.WWW_AUTHENTICATE.asString(), "Bearer realm=\"pensieve\"");
    }
    if (hasBody() && !bodyRead) {
      // refused before its body was read (a token, the limit, the size): Jetty then closes the
      // connection, and says so, lest the client send its next request down a closing one
      header(HttpHeader.CONNECTION.asString(), "close");
    }
    json(error.contract().httpStatus(), body);
  }

  void send(int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
