package io.pensieve.cli;

import com.google.protobuf.ByteString;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A KEY and what may make it a range, as {@code get}, {@code del} and the requests of
 * {@code txn} take them: {@code RANGE_END}, {@code --prefix} or {@code --from-key}.
 */
final class RangeOptions {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END",
      description = "The keys from KEY up to this one, excluded.")
  String rangeEnd;

  @Option(names = "--prefix", description = "Every key that starts with KEY.")
  boolean prefix;

  @Option(names = "--from-key", description = "Every key from KEY on.")
  boolean fromKey;

  /** Whether a range was given rather than KEY alone. */
  boolean isRange() {
    return rangeEnd != null || prefix || fromKey;
  }

  ByteString start() {
    return Text.bytes(key);
  }

  /**
   * The range's end, empty for KEY alone.
   *
   * @throws CliError if more than one of them is given
   */
  ByteString end() {
    return RangeRead.end(start(), rangeEnd, prefix, fromKey);
  }
}
