package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.pensieve.api.ErrorContract;
import io.pensieve.api.Ttl;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.StatsResponse;
import io.pensieve.server.auth.Access;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import io.pensieve.store.Settings;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The routes of the four READMEs Pensieve grew from, with their request and response shapes,
 * mapped onto the canonical operations (linearizable reads, replicated writes). Where two seeds
 * share a route, the response carries the fields of both. Errors other than the documented
 * not-found shapes are {@code {"error": "<message>", "code": "<code>"}}.
 *
 * <pre>
 * Pensieve         GET /get/{key}, POST /put {"key","val"}, DELETE /delete/{key}
 * Mini Redis       PUT /set {"key","value","ttl"}, GET /get/{key}, DELETE /del/{key},
 *                  GET /stats, GET /health
 * Key-Value-Cache  POST /put {"key","value"}, GET /get?key=
 * kv-store         POST /login, /set-value, /get-value, /delete-value
 * </pre>
 */
final class SeedRoutes {
  /** The seed routes' rows of the {@link RouteTable}; Mini Redis's GET /health is canonical. */
  static final List<Route> ROUTES = List.of(
      // Pensieve
      Route.seed("GET", "/get/{key}", Access.READ, SeedRoutes::getByPath),
      Route.seed("POST", "/put", Access.WRITE, SeedRoutes::put),
      Route.seed("DELETE", "/delete/{key}", Access.WRITE, SeedRoutes::delete),
      // Mini Redis
      Route.seed("PUT", "/set", Access.WRITE, SeedRoutes::set),
      Route.seed("DELETE", "/del/{key}", Access.WRITE, SeedRoutes::del),
      Route.seed("GET", "/stats", Access.READ, SeedRoutes::stats),
      // Key-Value-Cache
      Route.seed("GET", "/get", Access.READ, SeedRoutes::getByQuery),
      // kv-store; its login is the node's own once authentication is on (RouteTable)
      Route.seed("POST", "/login", Access.OPEN, SeedRoutes::login)
          .onlyWithAuthentication(false),
      Route.seed("POST", "/set-value", Access.WRITE, SeedRoutes::setValue),
      Route.seed("POST", "/get-value", Access.READ, SeedRoutes::getValue),
      Route.seed("POST", "/delete-value", Access.WRITE, SeedRoutes::deleteValue));

  private final KvService kv;
  private final BodyLimit bodyLimit;

  SeedRoutes(KvService kv, BodyLimit bodyLimit) {
    this.kv = kv;
    this.bodyLimit = bodyLimit;
  }

  // ---- Pensieve and Mini Redis ----

  private void getByPath(Exchange exchange) {
    ByteString key = PathKeys.decode(exchange.pathKey());
    read(exchange, key, response -> {
      if (!response.getFound()) {
        exchange.error(notFound(key), Json.object().put("val", "").put("error", missing(key)));
        return;
      }
      String value = response.getKv().getValue().toStringUtf8();
      exchange.json(200, Json.object().put("key", key.toStringUtf8()).put("value", value)
          .put("val", value));
    });
  }

  private void delete(Exchange exchange) {
    delete(exchange, PathKeys.decode(exchange.pathKey()),
        (key, deleted) -> exchange.json(200, Json.object().put("status", "ok")));
  }

  private void del(Exchange exchange) {
    delete(exchange, PathKeys.decode(exchange.pathKey()), (key, deleted) -> {
      if (!deleted) {
        // Mini Redis documents this message, capital K; the canonical one is lower case
        exchange.error(notFound(key), Json.object().put("error", missing(key))
            .put("code", ErrorContract.of(ErrorCode.ERROR_CODE_NOT_FOUND).name()));
        return;
      }
      exchange.json(200, Json.object().put("message",
          "Key '" + key.toStringUtf8() + "' deleted successfully"));
    });
  }

  private void put(Exchange exchange) {
    withBody(exchange, this::putFromPost);
  }

  /** Pensieve sends {"key","val"}, Key-Value-Cache {"key","value"}; each gets its status. */
  private void putFromPost(Exchange exchange, ObjectNode body) {
    ByteString key = key(body);
    Optional<String> val = Json.optionalText(body, "val");
    String value = val.isPresent() ? val.get() : Json.requiredText(body, "value");
    write(exchange, put(key, value, OptionalLong.empty()), done -> exchange.json(200,
        Json.object().put("status", val.isPresent() ? "ok" : "OK")
            .put("message", "Key inserted/updated successfully.")));
  }

  private void set(Exchange exchange) {
    withBody(exchange, this::set);
  }

  private void set(Exchange exchange, ObjectNode body) {
    ByteString key = key(body);
    String value = Json.requiredText(body, "value");
    OptionalLong ttlSeconds = Json.optionalLong(body, "ttl");
    if (ttlSeconds.isPresent()) {
      Ttl.checkSeconds("ttl", ttlSeconds.getAsLong()).ifPresent(outOfRange -> {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, outOfRange);
      });
    }
    write(exchange, put(key, value, ttlSeconds), done -> exchange.json(200, Json.object()
        .put("message", "Key '" + key.toStringUtf8() + "' stored successfully")));
  }

  private void stats(Exchange exchange) {
    StatsResponse stats = kv.stats();
    long reads = stats.getHits() + stats.getMisses();
    exchange.json(200, Json.object()
        .put("hits", stats.getHits())
        .put("misses", stats.getMisses())
        .put("evictions", stats.getEvictions())
        .put("expirations", stats.getExpirations())
        .put("total_entries", stats.getEntries())
        .put("bytes", stats.getBytes())
        .put("hit_rate", reads == 0 ? 0.0 : (double) stats.getHits() / reads));
  }

  // ---- Key-Value-Cache ----

  private void getByQuery(Exchange exchange) {
    String keyText = exchange.param("key").orElseThrow(() -> new KvException(
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "missing query parameter key"));
    ByteString key = ByteString.copyFromUtf8(keyText);
    read(exchange, key, response -> {
      if (!response.getFound()) {
        exchange.error(notFound(key), Json.object().put("status", "ERROR")
            .put("message", "Key not found."));
        return;
      }
      exchange.json(200, Json.object().put("status", "OK").put("key", keyText)
          .put("value", response.getKv().getValue().toStringUtf8())
          .put("message", "Key retrieved successfully."));
    });
  }

  // ---- kv-store ----

  private void login(Exchange exchange) {
    exchange.json(200, Json.object().put("token", "")
        .put("message", "authentication is off on this node; requests need no token"));
  }

  private void setValue(Exchange exchange) {
    withBody(exchange, this::setValue);
  }

  private void setValue(Exchange exchange, ObjectNode body) {
    ByteString key = key(body);
    String value = Json.requiredText(body, "value");
    write(exchange, put(key, value, OptionalLong.empty()),
        done -> exchange.json(200, Json.object().put("status", "Success")));
  }

  private void getValue(Exchange exchange) {
    withBody(exchange, this::getValue);
  }

  private void getValue(Exchange exchange, ObjectNode body) {
    ByteString key = key(body);
    read(exchange, key, response -> {
      if (!response.getFound()) {
        exchange.error(notFound(key), Json.object().put("status", "Error")
            .put("message", "Key not found"));
        return;
      }
      exchange.json(200, Json.object().put("status", "Success")
          .put("value", response.getKv().getValue().toStringUtf8()));
    });
  }

  private void deleteValue(Exchange exchange) {
    withBody(exchange, this::deleteValue);
  }

  private void deleteValue(Exchange exchange, ObjectNode body) {
    delete(exchange, key(body),
        (key, deleted) -> exchange.json(200, Json.object().put("status", "Success")));
  }

  // ---- shared ----

  private void withBody(Exchange exchange, BiConsumer<Exchange, ObjectNode> route) {
    exchange.body(bodyLimit.maxBytes())
        .thenAccept(bytes -> route.accept(exchange, Json.parseObject(bytes)))
        .exceptionally(failure -> fail(exchange, failure));
  }

  private void read(Exchange exchange, ByteString key, Consumer<GetResponse> onRead) {
    kv.get(GetRequest.newBuilder().setKey(key).build()).thenAccept(onRead)
        .exceptionally(failure -> fail(exchange, failure));
  }

  private void delete(Exchange exchange, ByteString key, BiConsumer<ByteString, Boolean> onDone) {
    kv.delete(DeleteRequest.newBuilder().setKey(key).build())
        .thenAccept(response -> onDone.accept(key, response.getDeleted()))
        .exceptionally(failure -> fail(exchange, failure));
  }

  private CompletableFuture<?> put(ByteString key, String value, OptionalLong ttlSeconds) {
    PutRequest.Builder put = PutRequest.newBuilder().setKey(key)
        .setValue(ByteString.copyFromUtf8(value));
    ttlSeconds.ifPresent(seconds -> put.setTtlMillis(seconds * 1000));
    return kv.put(put.build());
  }

  private static <T> void write(Exchange exchange, CompletableFuture<T> result,
      Consumer<T> onDone) {
    result.thenAccept(onDone).exceptionally(failure -> fail(exchange, failure));
  }

  private static ByteString key(ObjectNode body) {
    return ByteString.copyFromUtf8(Json.requiredText(body, "key"));
  }

  /** The not-found message of Mini Redis's README. */
  private static String missing(ByteString key) {
    return "Key '" + key.toStringUtf8() + "' not found";
  }

  private static KvException notFound(ByteString key) {
    return KvRoutes.notFound(key);
  }

  /** Seed routes answer errors in the Mini Redis shape, with the canonical code beside it. */
  static Void fail(Exchange exchange, Throwable failure) {
    KvException error = KvException.from(failure);
    exchange.error(error, Json.object().put("error", error.getMessage())
        .put("code", error.contract().name()));
    return null;
  }
}
