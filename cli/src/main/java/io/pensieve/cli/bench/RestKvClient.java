package io.pensieve.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A bench client over REST ({@code PUT|GET /v1/kv/{key}}): one kept-alive HTTP/1.1 connection
 * per request it may have in flight, so its connections are exactly its in-flight limit. An
 * error's kind is {@code HTTP_<status>/<code>} from the node's error body, {@code timeout}, or
 * {@code io/...} when the connection failed; a read of a missing key is {@code not_found}.
 */
final class RestKvClient implements KvClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArrayDeque<HttpConnection> idle = new ArrayDeque<>();
  private final List<HttpConnection> connections = new ArrayList<>();
  private final String hostHeader;
  private final String readQuery;
  private final Optional<String> authorization;
  private final byte[] putBody;

  /**
   * @param connections opens one connection to the node; called {@code inFlight} times
   * @param hostHeader the node's {@code host:port}
   * @param authorization the {@code Authorization} header to send, if any
   */
  RestKvClient(Supplier<HttpConnection> connections, int inFlight, String hostHeader,
      Optional<String> authorization, String value, boolean staleReads) {
    for (int i = 0; i < inFlight; i++) {
      HttpConnection connection = connections.get();
      this.connections.add(connection);
      idle.add(connection);
    }
    this.hostHeader = hostHeader;
    this.readQuery = staleReads ? "?consistency=stale" : "";
    this.authorization = authorization;
    // the value is letters and digits: nothing to escape; shared by every put, never written to
    this.putBody = ("{\"value\":\"" + value + "\"}").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void put(String key, Done done) {
    FullHttpRequest request = request(HttpMethod.PUT, key, "", Unpooled.wrappedBuffer(putBody));
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, putBody.length);
    send(request, done);
  }

  @Override
  public void get(String key, Done done) {
    send(request(HttpMethod.GET, key, readQuery, Unpooled.EMPTY_BUFFER), done);
  }

  private FullHttpRequest request(HttpMethod method, String key, String query, ByteBuf body) {
    // bench keys are letters, digits and '-': nothing to percent-encode
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method,
        "/v1/kv/" + key + query, body);
    request.headers().set(HttpHeaderNames.HOST, hostHeader);
    authorization.ifPresent(value -> request.headers().set(HttpHeaderNames.AUTHORIZATION, value));
    return request;
  }

  private void send(FullHttpRequest request, Done done) {
    HttpConnection connection;
    synchronized (idle) {
      connection = idle.poll();
    }
    if (connection == null) {
      // the lanes never ask for more than the in-flight limit
      request.release();
      done.complete("client/no_idle_connection");
      return;
    }
    connection.send(request, new HttpConnection.Answer() {
      @Override
      public void response(int status, byte[] body) {
        release(connection);
        done.complete(errorKind(status, body));
      }

      @Override
      public void failure(String errorKind) {
        release(connection);
        done.complete(errorKind);
      }
    });
  }

  /** Back to the idle ones before its request's end is told, so the next request finds it. */
  private void release(HttpConnection connection) {
    synchronized (idle) {
      idle.add(connection);
    }
  }

  /** Null for 200; {@code not_found} for 404; else {@code HTTP_<status>/<code>}. */
  static String errorKind(int status, byte[] body) {
    if (status == 200) {
      return null;
    }
    if (status == 404) {
      return "not_found";
    }
    String kind = "HTTP_" + status;
    try {
      JsonNode code = JSON.readTree(body).path("error").path("code");
      return code.isTextual() ? kind + "/" + code.asText() : kind;
    } catch (IOException e) {
      return kind;
    }
  }

  @Override
  public void close() {
    connections.forEach(HttpConnection::close);
  }
}
