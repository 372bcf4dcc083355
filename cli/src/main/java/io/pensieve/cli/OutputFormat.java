package io.pensieve.cli;

import java.util.List;

/** {@code -o table} (aligned columns, or key: value lines) or {@code -o json} (one document). */
enum OutputFormat {
  TABLE,
  JSON;

  /** The names offered by {@code --help} and shell completion. */
  static final class Names implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return List.of("table", "json").iterator();
    }
  }
}
