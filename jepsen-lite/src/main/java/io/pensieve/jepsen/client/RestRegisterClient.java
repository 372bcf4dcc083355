package io.pensieve.jepsen.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.api.ErrorContract;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The register over a node's REST API ({@code /v1/kv/{key}}). */
public final class RestRegisterClient implements RegisterClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final Duration timeout;
  private final boolean staleReads;

  public RestRegisterClient(HttpClient http, String address, Duration timeout,
                            boolean staleReads) {
    this.http = http;
    this.base = "http://" + address + "/v1/kv/";
    this.timeout = timeout;
    this.staleReads = staleReads;
  }

  /** One HTTP client for many register clients: it pools connections per node. */
  public static HttpClient sharedHttpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
  }

  @Override
  public Outcome read(String key) {
    HttpRequest request = request(key, staleReads ? "?consistency=stale" : "").GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return Outcome.ok(JSON.readTree(response.body()).path("value").asText(null));
      }
      if (response.statusCode() == 404) {
        return Outcome.ok(null);
      }
      return Outcome.fail(response.statusCode() + " " + errorCode(response.body()));
    } catch (IOException e) {
      return Outcome.fail(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.fail("interrupted");
    }
  }

  @Override
  public Outcome write(String key, String value) {
    return put(key, JSON.createObjectNode().put("value", value));
  }

  @Override
  public Outcome cas(String key, String expected, String value) {
    return put(key, JSON.createObjectNode().put("value", value).put("if_value", expected));
  }

  private Outcome put(String key, ObjectNode body) {
    HttpRequest request = request(key, "").header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return Outcome.ok(null);
      }
      String code = errorCode(response.body());
      return Outcome.writeFailed(ErrorContract.named(code),
          code + ": HTTP " + response.statusCode());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      return Outcome.fail(describe(e));
    } catch (IOException e) {
      return Outcome.info(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.info("interrupted");
    }
  }

  private HttpRequest.Builder request(String key, String query) {
    return HttpRequest.newBuilder(URI.create(base
        + URLEncoder.encode(key, StandardCharsets.UTF_8) + query)).timeout(timeout);
  }

  private static String errorCode(String body) {
    try {
      JsonNode code = JSON.readTree(body).path("error").path("code");
      return code.isTextual() ? code.asText() : "unrecognised reply";
    } catch (IOException e) {
      return "unrecognised reply";
    }
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  @Override
  public String api() {
    return "rest";
  }

  @Override
  public void close() {
    // the HTTP client is shared
  }
}
