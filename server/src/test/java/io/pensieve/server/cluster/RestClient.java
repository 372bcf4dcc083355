package io.pensieve.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pensieve.server.PensieveNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client for tests: sends a request to a node and parses the JSON answer. */
public final class RestClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: its status, headers, raw body and (if the body is JSON) the parsed body. */
  @SuppressWarnings("ArrayRecordComponent") // the body as read; a test value, never compared
  public record Reply(int status, HttpHeaders headers, byte[] body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
      }
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public Reply get(PensieveNode node, String path) {
    return send(node, "GET", path, null);
  }

  public Reply delete(PensieveNode node, String path) {
    return send(node, "DELETE", path, null);
  }

  public Reply put(PensieveNode node, String path, String json) {
    return send(node, "PUT", path, json);
  }

  public Reply post(PensieveNode node, String path, String json) {
    return send(node, "POST", path, json);
  }

  public Reply send(PensieveNode node, String method, String path, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(node, path))
        .timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return send(request.build());
  }

  public Reply send(HttpRequest request) {
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static URI uri(PensieveNode node, String path) {
    return URI.create("http://127.0.0.1:" + node.restPort() + path);
  }
}
