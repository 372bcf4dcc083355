package io.pensieve.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** One object as {@code name: value} lines, in the order they were added. */
final class Fields {
  private final Map<String, String> fields = new LinkedHashMap<>();

  Fields add(String name, Object value) {
    fields.put(name, value == null ? "-" : value.toString());
    return this;
  }

  String render() {
    StringBuilder text = new StringBuilder();
    fields.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
    return text.toString();
  }
}
