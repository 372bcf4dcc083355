package io.pensieve.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.server.kv.KvException;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

/** JSON in and out of the REST API: strict parsing, and the shapes of keys and values. */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      // Jackson stops after the first value by default: {"value":"a"} junk would be accepted
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a request body that must be one JSON object. Jackson refuses invalid UTF-8. */
  static ObjectNode parseObject(byte[] body) {
    if (body.length == 0) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "the body must be a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "unreadable body: " + e.getMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "the body must be a JSON object");
    }
    return object;
  }

  static String requiredText(ObjectNode body, String field) {
    return optionalText(body, field).orElseThrow(() -> new KvException(
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT, "missing field \"" + field + "\""));
  }

  static Optional<String> optionalText(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "field \"" + field + "\" must be a string");
    }
    return Optional.of(value.textValue());
  }

  static OptionalLong optionalLong(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return OptionalLong.empty();
    }
    if (!value.canConvertToExactIntegral() || !value.canConvertToLong()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "field \"" + field + "\" must be a whole number");
    }
    return OptionalLong.of(value.longValue());
  }

  static boolean optionalBoolean(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new KvException(ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
          "field \"" + field + "\" must be true or false");
    }
    return value.booleanValue();
  }

  /** A key-value as JSON; a value that is not UTF-8 text is given as {@code value_base64}. */
  static ObjectNode keyValue(KeyValue kv) {
    ObjectNode node = object();
    node.put("key", kv.getKey().toStringUtf8());
    putValue(node, kv.getValue());
    node.put("version", kv.getVersion());
    node.put("create_revision", kv.getCreateRevision());
    if (kv.getExpireAtMillis() > 0) {
      node.put("expire_at_millis", kv.getExpireAtMillis());
    }
    if (kv.getLease() != 0) {
      node.put("lease", leaseId(kv.getLease()));
    }
    return node;
  }

  /**
   * A lease id as JSON gives it: a string, since ids are 64-bit and a JavaScript number keeps
   * only 53 bits exactly.
   */
  static String leaseId(long id) {
    return Long.toString(id);
  }

  /** A lease id given as a string of digits (or, leniently, a whole number); 0 when absent. */
  static long optionalLeaseId(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (value.isTextual()) {
      return LeaseRoutes.leaseId(Optional.of(value.textValue()), field);
    }
    return optionalLong(body, field).orElse(0);
  }

  static void putValue(ObjectNode node, ByteString value) {
    if (value.isValidUtf8()) {
      node.put("value", value.toStringUtf8());
    } else {
      node.put("value_base64", Base64.getEncoder().encodeToString(value.toByteArray()));
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
