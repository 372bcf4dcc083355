package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.pensieve.api.ErrorContract;
import io.pensieve.api.KeyRanges;
import io.pensieve.api.Ttl;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The canonical key routes, {@code GET|PUT|DELETE /v1/kv/{key}}, and ranges,
 * {@code GET|DELETE /v1/kv}.
 *
 * <p>A PUT body is JSON ({@code value}, {@code ttl_seconds}, {@code if_version}, {@code
 * if_value}, {@code if_absent}, {@code prev_kv}, {@code lease}: an id as a string), or the raw value with {@code Content-Type:
 * application/octet-stream} and the options as query parameters. A GET answers JSON, or the raw
 * value to {@code Accept: application/octet-stream}.
 */
final class KvRoutes {
  private final KvService kv;
  private final BodyLimit bodyLimit;

  KvRoutes(KvService kv, BodyLimit bodyLimit) {
    this.kv = kv;
    this.bodyLimit = bodyLimit;
  }

  void get(Exchange exchange) {
    get(exchange, PathKeys.decode(exchange.pathKey()));
  }

  void put(Exchange exchange) {
    ByteString key = PathKeys.decode(exchange.pathKey());
    exchange.body(bodyLimit.maxBytes()).thenAccept(body -> put(exchange, key, body))
        .exceptionally(failure -> fail(exchange, failure));
  }

  void delete(Exchange exchange) {
    delete(exchange, PathKeys.decode(exchange.pathKey()));
  }

  /**
   * {@code GET /v1/kv?prefix=P} or {@code ?key=K&range_end=E}: one page of a range, as
   * {@code KV.Range} serves it, with {@code limit}, {@code keys_only}, {@code count_only} and
   * {@code consistency}. Keys and bounds are UTF-8 text ({@code range_end=%00}: every key from
   * {@code key} on).
   */
  void range(Exchange exchange) {
    RangeRequest.Builder request = RangeRequest.newBuilder()
        .setConsistency(consistency(exchange))
        .setKeysOnly(exchange.flag("keys_only"))
        .setCountOnly(exchange.flag("count_only"));
    exchange.longParam("limit").ifPresent(request::setLimit);
    Bounds bounds = Bounds.of(exchange);
    request.setKey(bounds.key()).setRangeEnd(bounds.end());
    reply(exchange, kv.range(request.build()), response -> {
      exchange.header("X-Pensieve-Applied-Index", String.valueOf(response.getAppliedIndex()));
      ObjectNode json = Json.object();
      if (request.getCountOnly()) {
        json.put("count", response.getCount());
      } else {
        ArrayNode kvs = json.putArray("kvs");
        for (KeyValue kv : response.getKvsList()) {
          ObjectNode entry = Json.keyValue(kv);
          if (request.getKeysOnly()) {
            entry.remove("value");
          }
          kvs.add(entry);
        }
        json.put("more", response.getMore());
        if (response.getMore()) {
          json.put("next_key", response.getNextKey().toStringUtf8());
        }
      }
      exchange.json(200, json.put("applied_index", response.getAppliedIndex()));
    });
  }

  /**
   * {@code DELETE /v1/kv?prefix=P} or {@code ?key=K&range_end=E}, with {@code prev_kv}: the
   * keys of the range deleted at one revision, as {@code KV.DeleteRange} does.
   */
  void deleteRange(Exchange exchange) {
    Bounds bounds = Bounds.of(exchange);
    DeleteRangeRequest request = DeleteRangeRequest.newBuilder()
        .setKey(bounds.key()).setRangeEnd(bounds.end())
        .setPrevKv(exchange.flag("prev_kv"))
        .build();
    reply(exchange, kv.deleteRange(request), response -> {
      ObjectNode json = Json.object().put("deleted", response.getDeleted())
          .put("revision", response.getRevision());
      if (request.getPrevKv()) {
        ArrayNode previous = json.putArray("prev_kvs");
        response.getPrevKvsList().forEach(kv -> previous.add(Json.keyValue(kv)));
      }
      exchange.json(200, json);
    });
  }

  /** A range's bounds from the query: {@code prefix}, or {@code key} and {@code range_end}. */
  private record Bounds(ByteString key, ByteString end) {
    static Bounds of(Exchange exchange) {
      Optional<String> prefix = exchange.param("prefix");
      if (prefix.isPresent()) {
        if (exchange.param("key").isPresent() || exchange.param("range_end").isPresent()) {
          throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
              "give prefix, or key with an optional range_end, not both");
        }
        ByteString start = ByteString.copyFromUtf8(prefix.get());
        return new Bounds(start, ByteString.copyFrom(KeyRanges.prefixEnd(start.toByteArray())));
      }
      ByteString key = ByteString.copyFromUtf8(exchange.param("key").orElseThrow(() ->
          new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
              "a range needs prefix, or key with an optional range_end")));
      return new Bounds(key, ByteString.copyFromUtf8(exchange.param("range_end").orElse("")));
    }
  }

  private static Consistency consistency(Exchange exchange) {
    return switch (exchange.param("consistency").orElse("linearizable")) {
      case "linearizable" -> Consistency.CONSISTENCY_LINEARIZABLE;
      case "stale" -> Consistency.CONSISTENCY_STALE;
      default -> throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "consistency must be linearizable or stale");
    };
  }

  private void get(Exchange exchange, ByteString key) {
    reply(exchange, kv.get(GetRequest.newBuilder().setKey(key)
        .setConsistency(consistency(exchange)).build()), response -> {
          exchange.header("X-Pensieve-Applied-Index", String.valueOf(response.getAppliedIndex()));
          if (!response.getFound()) {
            throw notFound(key);
          }
          if (exchange.acceptsOnlyOctetStream()) {
            exchange.header("X-Pensieve-Version", String.valueOf(response.getKv().getVersion()));
            exchange.bytes(200, response.getKv().getValue().toByteArray());
          } else {
            exchange.json(200, found(response));
          }
        });
  }

  private static ObjectNode found(GetResponse response) {
    return Json.keyValue(response.getKv()).put("applied_index", response.getAppliedIndex());
  }

  private void put(Exchange exchange, ByteString key, byte[] body) {
    WriteOptions options;
    ByteString value;
    if (exchange.bodyIsOctetStream()) {
      value = ByteString.copyFrom(body);
      options = WriteOptions.fromQuery(exchange);
    } else {
      ObjectNode json = Json.parseObject(body);
      value = ByteString.copyFromUtf8(Json.requiredText(json, "value"));
      options = WriteOptions.fromBody(json, exchange);
    }
    Optional<Condition> condition = options.condition();
    if (condition.isEmpty()) {
      PutRequest.Builder put = PutRequest.newBuilder().setKey(key).setValue(value)
          .setPrevKv(options.prevKv()).setLease(options.lease());
      options.ttlMillis().ifPresent(put::setTtlMillis);
      reply(exchange, kv.put(put.build()), response -> {
        ObjectNode json = Json.object().put("key", key.toStringUtf8())
            .put("version", response.getVersion())
            .put("create_revision", response.getCreateRevision());
        if (response.hasPrevKv()) {
          json.set("prev_kv", Json.keyValue(response.getPrevKv()));
        }
        exchange.json(200, json);
      });
      return;
    }
    CompareAndSetRequest.Builder cas = CompareAndSetRequest.newBuilder().setKey(key)
        .setValue(value).setCondition(condition.get()).setPrevKv(options.prevKv());
    options.ttlMillis().ifPresent(cas::setTtlMillis);
    reply(exchange, kv.compareAndSet(cas.build()), response -> {
      if (!response.getSucceeded()) {
        ObjectNode error = compareFailed(response.hasKv()
            ? Optional.of(Json.keyValue(response.getKv())) : Optional.empty());
        exchange.error(new KvException(ErrorCode.ERROR_CODE_COMPARE_FAILED, ""), error);
        return;
      }
      ObjectNode json = Json.object().put("key", key.toStringUtf8())
          .put("version", response.getVersion())
          .put("create_revision", response.getCreateRevision());
      if (response.hasKv()) {
        json.set("prev_kv", Json.keyValue(response.getKv()));
      }
      exchange.json(200, json);
    });
  }

  private void delete(Exchange exchange, ByteString key) {
    WriteOptions options = WriteOptions.fromQuery(exchange);
    if (options.ttlMillis().isPresent()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "a delete takes no ttl");
    }
    if (options.lease() != 0) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "a delete takes no lease");
    }
    DeleteRequest.Builder delete = DeleteRequest.newBuilder().setKey(key)
        .setPrevKv(options.prevKv());
    options.condition().ifPresent(delete::setCondition);
    reply(exchange, kv.delete(delete.build()), response -> {
      if (response.getCompareFailed()) {
        exchange.error(new KvException(ErrorCode.ERROR_CODE_COMPARE_FAILED, ""), compareFailed(
            response.hasPrevKv() ? Optional.of(Json.keyValue(response.getPrevKv()))
                : Optional.empty()));
        return;
      }
      if (!response.getDeleted()) {
        throw notFound(key);
      }
      ObjectNode json = Json.object().put("key", key.toStringUtf8()).put("deleted", true)
          .put("revision", response.getRevision());
      if (response.hasPrevKv()) {
        json.set("prev_kv", Json.keyValue(response.getPrevKv()));
      }
      exchange.json(200, json);
    });
  }

  private static ObjectNode compareFailed(Optional<ObjectNode> current) {
    ObjectNode body = Json.object();
    ObjectNode error = body.putObject("error")
        .put("code", ErrorContract.of(ErrorCode.ERROR_CODE_COMPARE_FAILED).name())
        .put("message", current.isPresent()
            ? "the condition did not hold; the key's current state is in \"current\""
            : "the condition did not hold; the key does not exist");
    current.ifPresent(kv -> error.set("current", kv));
    return body;
  }

  static KvException notFound(ByteString key) {
    return new KvException(ErrorCode.ERROR_CODE_NOT_FOUND,
        "key '" + key.toStringUtf8() + "' not found");
  }

  /** Completes the exchange with the result, or with the error model if anything failed. */
  static <T> void reply(Exchange exchange, CompletableFuture<T> result, Consumer<T> onSuccess) {
    result.thenAccept(onSuccess).exceptionally(failure -> fail(exchange, failure));
  }

  static Void fail(Exchange exchange, Throwable failure) {
    exchange.error(failure);
    return null;
  }

  /** The options of a write, from a JSON body with the query string as fallback. */
  private record WriteOptions(OptionalLong ttlMillis, Optional<Condition> condition,
                              boolean prevKv, long lease) {
    static WriteOptions fromQuery(Exchange exchange) {
      return of(exchange.longParam("ttl_seconds"), exchange.longParam("if_version"),
          exchange.param("if_value"), exchange.flag("if_absent"), exchange.flag("prev_kv"),
          LeaseRoutes.leaseId(exchange.param("lease"), "lease"));
    }

    static WriteOptions fromBody(ObjectNode json, Exchange exchange) {
      WriteOptions query = fromQuery(exchange);
      OptionalLong ttl = Json.optionalLong(json, "ttl_seconds");
      OptionalLong ifVersion = Json.optionalLong(json, "if_version");
      Optional<String> ifValue = Json.optionalText(json, "if_value");
      boolean ifAbsent = Json.optionalBoolean(json, "if_absent");
      WriteOptions body = of(ttl, ifVersion, ifValue, ifAbsent,
          Json.optionalBoolean(json, "prev_kv"), Json.optionalLeaseId(json, "lease"));
      // one from each place would leave one silently unused: a condition the client relies on
      if (body.condition().isPresent() && query.condition().isPresent()) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "give the condition in the body or in the query string, not both");
      }
      if (body.ttlMillis().isPresent() && query.ttlMillis().isPresent()) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "give ttl_seconds in the body or in the query string, not both");
      }
      if (body.lease() != 0 && query.lease() != 0) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "give lease in the body or in the query string, not both");
      }
      return new WriteOptions(
          body.ttlMillis().isPresent() ? body.ttlMillis() : query.ttlMillis(),
          body.condition().or(query::condition),
          body.prevKv() || query.prevKv(),
          body.lease() != 0 ? body.lease() : query.lease());
    }

    private static WriteOptions of(OptionalLong ttlSeconds, OptionalLong ifVersion,
        Optional<String> ifValue, boolean ifAbsent, boolean prevKv, long lease) {
      int conditions = (ifVersion.isPresent() ? 1 : 0) + (ifValue.isPresent() ? 1 : 0)
          + (ifAbsent ? 1 : 0);
      if (conditions > 1) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "give at most one of if_version, if_value and if_absent");
      }
      if (ifVersion.isPresent() && ifVersion.getAsLong() < 1) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "if_version must be at least 1");
      }
      Optional<Condition> condition = Optional.empty();
      if (ifVersion.isPresent()) {
        condition = Optional.of(Condition.newBuilder().setVersion(ifVersion.getAsLong()).build());
      } else if (ifValue.isPresent()) {
        condition = Optional.of(Condition.newBuilder()
            .setValue(ByteString.copyFromUtf8(ifValue.get())).build());
      } else if (ifAbsent) {
        condition = Optional.of(Condition.newBuilder().setAbsent(true).build());
      }
      if (condition.isPresent() && lease != 0) {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
            "a conditional put cannot attach a lease; put with the lease, or without a condition");
      }
      return new WriteOptions(ttlMillis(ttlSeconds), condition, prevKv, lease);
    }

    private static OptionalLong ttlMillis(OptionalLong ttlSeconds) {
      if (ttlSeconds.isEmpty()) {
        return OptionalLong.empty();
      }
      long seconds = ttlSeconds.getAsLong();
      Ttl.checkSeconds("ttl_seconds", seconds).ifPresent(outOfRange -> {
        throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, outOfRange);
      });
      return OptionalLong.of(seconds * 1000);
    }
  }
}
