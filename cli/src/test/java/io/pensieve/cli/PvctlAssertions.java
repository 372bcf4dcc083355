package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** What every pvctl run promises: its exit code, one line on stderr when it fails. */
final class PvctlAssertions {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private PvctlAssertions() {}

  static PvctlRun ok(PvctlRun result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).as(result.toString()).isEmpty();
    return result;
  }

  /** Exactly one JSON document on stdout. */
  static JsonNode json(PvctlRun result) {
    try {
      return JSON.readTree(result.out());
    } catch (IOException e) {
      throw new AssertionError("not one JSON document: " + result, e);
    }
  }

  static void fails(PvctlRun result, int exitCode, String errorContains) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(exitCode);
    assertThat(result.err()).as(result.toString()).startsWith("pvctl: ")
        .contains(errorContains).endsWith("\n");
    assertThat(result.err().lines()).as(result.toString()).hasSize(1);
  }
}
