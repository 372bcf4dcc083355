package io.pensieve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.proto.v1.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The error table of docs/api.md is a rendering of errors.proto's: same codes, same rules. */
class ErrorTableDocTest {
  private static final Path API_DOC = Path.of("..", "docs", "api.md");

  @Test
  void theDocumentedTableIsTheProtoTable() throws IOException {
    Map<String, List<String>> documented = new LinkedHashMap<>();
    for (String line : Files.readAllLines(API_DOC, StandardCharsets.UTF_8)) {
      if (line.startsWith("| `") && line.split("\\|").length >= 8) {
        List<String> cells = Arrays.stream(line.split("\\|")).skip(1).map(String::strip)
            .map(cell -> cell.replace("`", "")).collect(Collectors.toList());
        documented.put(cells.get(0), cells.subList(1, 6));
      }
    }

    Map<String, List<String>> table = new LinkedHashMap<>();
    Arrays.stream(ErrorCode.values())
        .filter(c -> c != ErrorCode.ERROR_CODE_UNSPECIFIED && c != ErrorCode.UNRECOGNIZED)
        .map(ErrorContract::of)
        .forEach(c -> table.put(c.name(), List.of(outcome(c.outcome()),
            c.retryable() ? "yes" : "no", Integer.toString(c.httpStatus()), c.grpcCode().name(),
            c.respPrefix())));

    assertThat(documented).containsExactlyEntriesOf(table);
  }

  private static String outcome(Outcome outcome) {
    return switch (outcome) {
      case OUTCOME_NOT_APPLIED -> "not applied";
      case OUTCOME_UNKNOWN -> "unknown";
      case OUTCOME_NOT_A_WRITE -> "not a write";
      default -> throw new IllegalArgumentException(outcome.toString());
    };
  }
}
