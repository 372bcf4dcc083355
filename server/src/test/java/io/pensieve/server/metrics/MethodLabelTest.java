package io.pensieve.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The method label keeps the standard methods and folds any other into one value. */
class MethodLabelTest {
  @ParameterizedTest
  @CsvSource({"GET, GET", "PUT, PUT", "DELETE, DELETE", "POST, POST", "HEAD, HEAD",
      "BREW, other", "get, other", "'', other"})
  void methodsOutsideTheStandardSetAreOther(String method, String label) {
    assertThat(HttpMetricsHandler.methodLabel(method)).isEqualTo(label);
  }
}
