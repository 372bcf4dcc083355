package io.pensieve.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows under a header, each column as wide as its widest cell, two spaces between columns. */
final class Table {
  private static final String GAP = "  ";

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells under " + header.size() + " columns");
    }
    rows.add(Arrays.stream(cells).map(Table::cell).toList());
    return this;
  }

  private static String cell(Object value) {
    return value == null ? "-" : value.toString();
  }

  /** The lines of the table, with no trailing spaces, ending with a newline. */
  String render() {
    int[] widths = new int[header.size()];
    for (List<String> line : allLines()) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> line : allLines()) {
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = line.get(i);
        row.append(cell);
        if (i < widths.length - 1) {
          row.append(" ".repeat(widths[i] - cell.length())).append(GAP);
        }
      }
      text.append(row.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  private List<List<String>> allLines() {
    List<List<String>> lines = new ArrayList<>(rows.size() + 1);
    lines.add(header);
    lines.addAll(rows);
    return lines;
  }
}
