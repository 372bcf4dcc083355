package io.pensieve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Protobuf messages as JSON for {@code -o json}: proto field names (snake case), every field
 * with its value even when it is the default, 64-bit integers as numbers except lease ids,
 * enums by their short name ({@code ROLE_LEADER} is {@code LEADER}), bytes as UTF-8 text
 * ({@code <name>_base64} when they are not valid UTF-8). Fields with presence that are unset
 * are left out.
 *
 * <p>A lease id is a string of decimal digits, as REST gives it: ids use all 64 bits, and a
 * JavaScript number keeps only 53 exactly. Lease ids are the {@code lease} fields (of a key,
 * a put, a compare) and the {@code id} of the {@code Lease*} messages.
 */
final class ProtoJson {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProtoJson() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ObjectNode toJson(MessageOrBuilder message) {
    ObjectNode json = NODES.objectNode();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isRepeated()) {
        ArrayNode array = json.putArray(field.getName());
        for (Object element : (List<?>) message.getField(field)) {
          array.add(value(field, element));
        }
      } else if (!field.hasPresence() || message.hasField(field)) {
        Object value = message.getField(field);
        if (isLeaseId(field)) {
          json.put(field.getName(), Long.toString((Long) value));
        } else if (value instanceof ByteString bytes && Text.utf8(bytes).isEmpty()) {
          json.put(field.getName() + "_base64", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        } else {
          json.set(field.getName(), value(field, value));
        }
      }
    }
    return json;
  }

  static boolean isLeaseId(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.LONG && !field.isRepeated()
        && (field.getName().equals("lease") || (field.getName().equals("id")
            && field.getContainingType().getName().startsWith("Lease")));
  }

  private static JsonNode value(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> NODES.numberNode((Long) value);
      case FLOAT -> NODES.numberNode((Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case STRING -> NODES.textNode((String) value);
      case BYTE_STRING -> bytes((ByteString) value);
      case ENUM -> NODES.textNode(enumName((EnumValueDescriptor) value));
      case MESSAGE -> toJson((MessageOrBuilder) value);
    };
  }

  private static JsonNode bytes(ByteString bytes) {
    Optional<String> text = Text.utf8(bytes);
    return NODES.textNode(text.orElseGet(() -> Base64.getEncoder().encodeToString(bytes.toByteArray())));
  }

  /** {@code ROLE_LEADER} of enum {@code Role} is {@code LEADER}; {@code EVICTION_POLICY_LRU}, {@code LRU}. */
  static String enumName(EnumValueDescriptor value) {
    String prefix = upperSnake(value.getType().getName()) + "_";
    String name = value.getName();
    return name.startsWith(prefix) && name.length() > prefix.length()
        ? name.substring(prefix.length())
        : name;
  }

  private static String upperSnake(String camel) {
    StringBuilder snake = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        snake.append('_');
      }
      snake.append(Character.toUpperCase(c));
    }
    return snake.toString();
  }
}
