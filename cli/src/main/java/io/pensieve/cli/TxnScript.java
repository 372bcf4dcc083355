package io.pensieve.cli;

import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The lines of {@code pvctl txn}, as etcdctl writes them: compares such as
 * {@code version("k") > "3"} and requests such as {@code put k v}, each parsed into its proto.
 * Requests are parsed by picocli, with the same range options as {@code get} and {@code del}.
 * Errors quote the line they are about.
 */
final class TxnScript {
  private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\.)*)\"";
  private static final Pattern COMPARE = Pattern.compile(
      "\\s*(\\w+)\\(\\s*" + QUOTED + "\\s*\\)\\s*(=|!=|<|>)\\s*" + QUOTED + "\\s*");
  private static final Map<String, CompareOp> OPERATORS = Map.of(
      "=", CompareOp.COMPARE_OP_EQUAL, "!=", CompareOp.COMPARE_OP_NOT_EQUAL,
      "<", CompareOp.COMPARE_OP_LESS, ">", CompareOp.COMPARE_OP_GREATER);

  /** The next lines of {@code in} up to an empty line or the end; blank lines end it too. */
  static List<String> section(BufferedReader in) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
      lines.add(line);
    }
    return lines;
  }

  static Compare compare(String line) {
    Matcher match = COMPARE.matcher(line);
    if (!match.matches()) {
      throw error(line, "a compare is target(\"key\") op \"operand\", e.g. version(\"k\") ="
          + " \"3\"");
    }
    Compare.Builder compare = Compare.newBuilder()
        .setKey(Text.bytes(unescape(match.group(2))))
        .setOp(OPERATORS.get(match.group(3)));
    String operand = unescape(match.group(4));
    switch (match.group(1)) {
      case "value" -> compare.setValue(Text.bytes(operand));
      case "version", "mod" -> compare.setVersion(number(line, operand));
      case "create" -> compare.setCreateRevision(number(line, operand));
      case "lease" -> compare.setLease(number(line, operand));
      case "exists" -> {
        if (!operand.equals("true") && !operand.equals("false")) {
          throw error(line, "exists compares with \"true\" or \"false\"");
        }
        compare.setExists(Boolean.parseBoolean(operand));
      }
      default -> throw error(line, "unknown target " + match.group(1)
          + "; use value, version (or mod), create, lease or exists");
    }
    return compare.build();
  }

  static TxnOp request(String line) {
    List<String> words = words(line);
    if (words.isEmpty()) {
      throw error(line, "an empty request");
    }
    String[] args = words.subList(1, words.size()).toArray(String[]::new);
    try {
      return switch (words.get(0)) {
        case "put" -> parse(new PutLine(), args).op();
        case "get" -> parse(new GetLine(), args).op();
        case "del" -> parse(new DelLine(), args).op();
        default -> throw error(line, "unknown request " + words.get(0) + "; use get, put or del");
      };
    } catch (CommandLine.ParameterException e) {
      throw error(line, e.getMessage());
    } catch (CliError e) {
      throw error(line, e.getMessage());
    }
  }

  /** Whether a transaction holds a write: then it is sent as a write, else as a read. */
  static boolean writes(TxnRequest txn) {
    return Stream.concat(txn.getSuccessList().stream(), txn.getFailureList().stream())
        .anyMatch(op -> op.hasPut() || op.hasDelete() || op.hasDeleteRange());
  }

  private static <T> T parse(T line, String[] args) {
    new CommandLine(line).parseArgs(args);
    return line;
  }

  @Command(name = "put")
  static final class PutLine {
    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    @Option(names = "--lease", paramLabel = "ID")
    long lease;

    TxnOp op() {
      return TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(Text.bytes(key))
          .setValue(Text.bytes(value)).setLease(lease)).build();
    }
  }

  @Command(name = "get")
  static final class GetLine {
    @Mixin
    RangeOptions range;

    @Option(names = "--limit", paramLabel = "N")
    long limit;

    TxnOp op() {
      if (!range.isRange() && limit == 0) {
        return TxnOp.newBuilder().setGet(GetRequest.newBuilder().setKey(range.start()))
            .build();
      }
      return TxnOp.newBuilder().setRange(RangeRequest.newBuilder().setKey(range.start())
          .setRangeEnd(range.end()).setLimit(limit)).build();
    }
  }

  @Command(name = "del")
  static final class DelLine {
    @Mixin
    RangeOptions range;

    TxnOp op() {
      if (!range.isRange()) {
        return TxnOp.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(range.start()))
            .build();
      }
      return TxnOp.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
          .setKey(range.start()).setRangeEnd(range.end())).build();
    }
  }

  /** A request's words: split at white space, a double-quoted word taken whole. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        int end = i + 1;
        StringBuilder quoted = new StringBuilder();
        while (end < line.length() && line.charAt(end) != '"') {
          if (line.charAt(end) == '\\' && end + 1 < line.length()) {
            end++;
          }
          quoted.append(line.charAt(end));
          end++;
        }
        if (end >= line.length()) {
          throw CliError.usage("an unterminated quote in: " + line);
        }
        word = word == null ? quoted : word.append(quoted);
        i = end;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder().append(c) : word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static String unescape(String quoted) {
    return quoted.replaceAll("\\\\(.)", "$1");
  }

  private static CliError error(String line, String problem) {
    return CliError.usage("cannot read '" + line.strip() + "': " + problem);
  }

  private static long number(String line, String operand) {
    try {
      return Long.parseLong(operand);
    } catch (NumberFormatException e) {
      throw error(line, "\"" + operand + "\" is not a whole number");
    }
  }
}
