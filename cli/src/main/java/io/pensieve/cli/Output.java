package io.pensieve.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** Where a command's result goes: stdout, as text or as exactly one JSON document. */
final class Output {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final OutputFormat format;
  private final PrintWriter out;

  Output(OutputFormat format, PrintWriter out) {
    this.format = format;
    this.out = out;
  }

  boolean json() {
    return format == OutputFormat.JSON;
  }

  /** Prints the result in the chosen format: {@code text} for a table, else {@code json}. */
  void emit(JsonNode json, String text) {
    if (json()) {
      print(json);
    } else {
      out.print(text);
      out.flush();
    }
  }

  void emit(JsonNode json, Fields fields) {
    emit(json, fields.render());
  }

  void emit(JsonNode json, Table table) {
    emit(json, table.render());
  }

  /** Prints a JSON document in either format: what a command answers when JSON is all it has. */
  void print(JsonNode json) {
    try {
      out.println(MAPPER.writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    out.flush();
  }

  /** Prints text as it is, in either format (shell completion scripts). */
  void raw(String text) {
    out.print(text);
    out.flush();
  }
}
