package io.pensieve.server.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.LeaseGrantRequest;
import io.pensieve.proto.v1.LeaseKeepAliveRequest;
import io.pensieve.proto.v1.LeaseRevokeRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveRequest;
import io.pensieve.proto.v1.LeaseTimeToLiveResponse;
import io.pensieve.server.kv.KvException;
import io.pensieve.server.kv.KvService;
import java.util.Optional;

/**
 * The lease routes, each mapped onto the {@code Lease} service's call:
 * {@code POST /v1/lease} ({@code {"ttl_seconds": 10, "id": "7"}}, id optional),
 * {@code POST /v1/lease/{id}/keepalive}, {@code DELETE /v1/lease/{id}},
 * {@code GET /v1/lease/{id}?keys=true} and {@code GET /v1/lease}. Lease ids are strings in
 * JSON, in and out: they are 64-bit, which a JavaScript number does not hold exactly.
 */
final class LeaseRoutes {
  private static final String KEEP_ALIVE = "/keepalive";

  private final KvService kv;
  private final BodyLimit bodyLimit;

  LeaseRoutes(KvService kv, BodyLimit bodyLimit) {
    this.kv = kv;
    this.bodyLimit = bodyLimit;
  }

  /** {@code POST /v1/lease}. */
  void grant(Exchange exchange) {
    exchange.body(bodyLimit.maxBytes()).thenAccept(body -> {
      ObjectNode json = Json.parseObject(body);
      LeaseGrantRequest request = LeaseGrantRequest.newBuilder()
          .setTtlSeconds(Json.optionalLong(json, "ttl_seconds").orElseThrow(() ->
              new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
                  "missing field \"ttl_seconds\"")))
          .setId(Json.optionalLeaseId(json, "id"))
          .build();
      KvRoutes.reply(exchange, kv.grantLease(request), granted -> exchange.json(200,
          Json.object().put("id", Json.leaseId(granted.getId()))
              .put("ttl_seconds", granted.getTtlSeconds())
              .put("expire_at_millis", granted.getExpireAtMillis())));
    }).exceptionally(failure -> KvRoutes.fail(exchange, failure));
  }

  /** {@code GET /v1/lease}: every lease, by id, without keys. */
  void list(Exchange exchange) {
    KvRoutes.reply(exchange, kv.listLeases(), list -> {
      ObjectNode json = Json.object();
      ArrayNode leases = json.putArray("leases");
      list.getLeasesList().forEach(lease -> leases.add(timeToLive(lease, false)));
      exchange.json(200, json);
    });
  }

  /** {@code GET /v1/lease/{id}}, with the attached keys on {@code keys=true}. */
  void timeToLive(Exchange exchange) {
    long id = pathId(exchange.pathKey());
    boolean keys = exchange.flag("keys");
    KvRoutes.reply(exchange, kv.leaseTimeToLive(
        LeaseTimeToLiveRequest.newBuilder().setId(id).setKeys(keys).build()),
        lease -> exchange.json(200, timeToLive(lease, keys)));
  }

  /** {@code DELETE /v1/lease/{id}}: revokes it and deletes its keys. */
  void revoke(Exchange exchange) {
    long id = pathId(exchange.pathKey());
    KvRoutes.reply(exchange, kv.revokeLease(LeaseRevokeRequest.newBuilder().setId(id).build()),
        revoked -> exchange.json(200, Json.object().put("id", Json.leaseId(id))
            .put("deleted", revoked.getDeleted())
            .put("revision", revoked.getRevision())));
  }

  /** {@code POST /v1/lease/{id}/keepalive}: one renewal, answered once applied. */
  void keepAlive(Exchange exchange) {
    String path = exchange.pathKey();
    if (!path.endsWith(KEEP_ALIVE)) {
      throw new KvException(ErrorCode.ERROR_CODE_NOT_FOUND, "no such route: POST "
          + "/v1/lease/" + path + " (renew with POST /v1/lease/{id}/keepalive)");
    }
    long id = pathId(path.substring(0, path.length() - KEEP_ALIVE.length()));
    KvRoutes.reply(exchange, kv.keepAliveLease(LeaseKeepAliveRequest.newBuilder().setId(id)
        .build()), renewed -> exchange.json(200, Json.object()
            .put("id", Json.leaseId(renewed.getId()))
            .put("ttl_seconds", renewed.getTtlSeconds())
            .put("expire_at_millis", renewed.getExpireAtMillis())));
  }

  private static ObjectNode timeToLive(LeaseTimeToLiveResponse lease, boolean withKeys) {
    ObjectNode json = Json.object().put("id", Json.leaseId(lease.getId()))
        .put("ttl_seconds", lease.getTtlSeconds())
        .put("granted_ttl_seconds", lease.getGrantedTtlSeconds())
        .put("expire_at_millis", lease.getExpireAtMillis())
        .put("key_count", lease.getKeyCount());
    if (withKeys) {
      ArrayNode keys = json.putArray("keys");
      lease.getKeysList().forEach(key -> keys.add(key.toStringUtf8()));
    }
    return json;
  }

  private static long pathId(String text) {
    return leaseId(Optional.of(text), "the lease id");
  }

  /**
   * A lease id given as text: decimal digits, at most a long; 0 when absent.
   *
   * @param what how the error names it
   */
  static long leaseId(Optional<String> text, String what) {
    if (text.isEmpty()) {
      return 0;
    }
    String digits = text.get();
    if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(Character::isDigit)) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          what + " must be a lease id, a whole number written in decimal digits");
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          what + " is larger than any lease id");
    }
  }
}
