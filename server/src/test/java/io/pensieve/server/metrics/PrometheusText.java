package io.pensieve.server.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: any
 * departure from the format is an {@link IllegalArgumentException} naming the line.
 *
 * <p>Checked: lines end with a newline; {@code # HELP} and {@code # TYPE} at most once per
 * family, the TYPE before the family's first sample; every sample belongs to a family declared
 * with a TYPE (histograms by their {@code _bucket}, {@code _sum} and {@code _count} samples,
 * summaries by their {@code _sum} and {@code _count}); a family's samples are contiguous;
 * metric and label names are valid, label values are quoted with only {@code \\}, {@code \"}
 * and {@code \n} escaped; no label name repeats within a sample, no sample repeats; values are
 * numbers ({@code NaN} and {@code ±Inf} included), an optional timestamp a whole number; a
 * histogram's buckets are cumulative and end at {@code +Inf} equal to its {@code _count}.
 */
final class PrometheusText {
  enum Type { COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED }

  record Sample(String name, Map<String, String> labels, double value) { }

  record Family(String name, Type type, String help, List<Sample> samples) { }

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern NUMBER = Pattern.compile(
      "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]+");

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  static PrometheusText parse(String text) {
    return new Reader(text).read();
  }

  Map<String, Family> families() {
    return Collections.unmodifiableMap(families);
  }

  Family family(String name) {
    Family family = families.get(name);
    if (family == null) {
      throw new AssertionError("no family " + name + " among " + families.keySet());
    }
    return family;
  }

  /** The samples named {@code sampleName}, in whichever family holds them. */
  List<Sample> samples(String sampleName) {
    List<Sample> found = new ArrayList<>();
    for (Family family : families.values()) {
      for (Sample sample : family.samples()) {
        if (sample.name().equals(sampleName)) {
          found.add(sample);
        }
      }
    }
    return found;
  }

  /** The sum of the samples named {@code sampleName} whose labels pass {@code filter}. */
  double sum(String sampleName, Predicate<Map<String, String>> filter) {
    return samples(sampleName).stream().filter(s -> filter.test(s.labels()))
        .mapToDouble(Sample::value).sum();
  }

  /** The sum of the samples named {@code sampleName} that carry every label in {@code labels}. */
  double sum(String sampleName, Map<String, String> labels) {
    return sum(sampleName, l -> l.entrySet().containsAll(labels.entrySet()));
  }

  /** The one sample named {@code sampleName} with no labels. */
  double value(String sampleName) {
    List<Sample> found = samples(sampleName);
    if (found.size() != 1 || !found.get(0).labels().isEmpty()) {
      throw new AssertionError("expected one unlabelled " + sampleName + ", got " + found);
    }
    return found.get(0).value();
  }

  /** Reads the text line by line; one instance per parse. */
  private static final class Reader {
    private final String text;
    private final Map<String, Type> types = new LinkedHashMap<>();
    private final Map<String, String> helps = new LinkedHashMap<>();
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Set<String> closedFamilies = new HashSet<>();
    private final Set<String> seenSamples = new HashSet<>();
    private String currentFamily;
    private int lineNumber;
    private String line;
    private int pos;

    Reader(String text) {
      this.text = text;
    }

    PrometheusText read() {
      if (!text.isEmpty() && !text.endsWith("\n")) {
        throw new IllegalArgumentException("the last line does not end with a newline");
      }
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length - 1; i++) {
        lineNumber = i + 1;
        line = lines[i];
        pos = 0;
        if (line.isBlank()) {
          continue;
        }
        if (line.stripLeading().startsWith("#")) {
          comment();
        } else {
          sample();
        }
      }
      Map<String, Family> families = new LinkedHashMap<>();
      types.forEach((name, type) -> families.put(name, new Family(name, type,
          helps.get(name), List.copyOf(samples.getOrDefault(name, List.of())))));
      families.values().stream().filter(f -> f.type() == Type.HISTOGRAM)
          .forEach(Reader::checkHistogram);
      return new PrometheusText(families);
    }

    private void comment() {
      String[] tokens = line.stripLeading().substring(1).stripLeading().split("[ \t]+", 3);
      if (tokens.length < 2 || !(tokens[0].equals("HELP") || tokens[0].equals("TYPE"))) {
        return; // a plain comment
      }
      String name = tokens[1];
      if (!METRIC_NAME.matcher(name).matches()) {
        throw error("bad metric name in " + tokens[0] + ": " + name);
      }
      if (tokens[0].equals("HELP")) {
        if (helps.containsKey(name)) {
          throw error("a second HELP for " + name);
        }
        helps.put(name, unescapeHelp(tokens.length > 2 ? tokens[2] : ""));
        return;
      }
      if (types.containsKey(name)) {
        throw error("a second TYPE for " + name);
      }
      if (samples.containsKey(name)) {
        throw error("TYPE for " + name + " after its samples");
      }
      if (tokens.length < 3) {
        throw error("TYPE without a type");
      }
      Type type;
      try {
        type = Type.valueOf(tokens[2].strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error("unknown type " + tokens[2]);
      }
      if (!tokens[2].strip().equals(tokens[2].strip().toLowerCase(Locale.ROOT))) {
        throw error("types are lower case: " + tokens[2]);
      }
      types.put(name, type);
    }

    private String unescapeHelp(String raw) {
      StringBuilder out = new StringBuilder(raw.length());
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (i + 1 == raw.length()) {
          throw error("HELP ends in a lone backslash");
        }
        char next = raw.charAt(++i);
        switch (next) {
          case '\\' -> out.append('\\');
          case 'n' -> out.append('\n');
          default -> throw error("HELP escapes only \\\\ and \\n, not \\" + next);
        }
      }
      return out.toString();
    }

    private void sample() {
      skipBlanks();
      String name = token(METRIC_NAME, "metric name");
      Map<String, String> labels = new TreeMap<>();
      if (pos < line.length() && line.charAt(pos) == '{') {
        pos++;
        labels(labels);
      }
      if (pos == line.length() || (line.charAt(pos) != ' ' && line.charAt(pos) != '\t')) {
        throw error("expected blanks before the value");
      }
      skipBlanks();
      double value = value(nextWord());
      skipBlanks();
      if (pos < line.length()) {
        String timestamp = nextWord();
        if (!TIMESTAMP.matcher(timestamp).matches()) {
          throw error("bad timestamp " + timestamp);
        }
        skipBlanks();
        if (pos < line.length()) {
          throw error("unexpected text after the timestamp: " + line.substring(pos));
        }
      }
      String family = familyOf(name, labels);
      if (!family.equals(currentFamily)) {
        if (closedFamilies.contains(family)) {
          throw error("samples of " + family + " are not together");
        }
        if (currentFamily != null) {
          closedFamilies.add(currentFamily);
        }
        currentFamily = family;
      }
      if (!seenSamples.add(name + labels)) {
        throw error("a second sample " + name + labels);
      }
      samples.computeIfAbsent(family, f -> new ArrayList<>())
          .add(new Sample(name, Collections.unmodifiableMap(labels), value));
    }

    private void labels(Map<String, String> labels) {
      while (true) {
        skipBlanks();
        if (peek() == '}') {
          pos++;
          return;
        }
        String name = token(LABEL_NAME, "label name");
        if (name.startsWith("__")) {
          throw error("label names starting with __ are reserved: " + name);
        }
        skipBlanks();
        expect('=');
        skipBlanks();
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
          char c = next("an unterminated label value");
          if (c == '"') {
            break;
          }
          if (c == '\n') {
            throw error("a raw newline in a label value");
          }
          if (c == '\\') {
            char escaped = next("a label value ending in a backslash");
            switch (escaped) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw error("label values escape only \\\\, \\\" and \\n, not \\"
                  + escaped);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(name, value.toString()) != null) {
          throw error("label " + name + " twice");
        }
        skipBlanks();
        char after = next("a label set without its closing brace");
        if (after == '}') {
          return;
        }
        if (after != ',') {
          throw error("expected , or } after a label, got " + after);
        }
      }
    }

    /** The family a sample belongs to: its own name, or a histogram's or summary's. */
    private String familyOf(String name, Map<String, String> labels) {
      if (types.containsKey(name)) {
        Type type = types.get(name);
        if (type == Type.HISTOGRAM) {
          throw error("a histogram's samples are _bucket, _sum and _count, not " + name);
        }
        if (type == Type.SUMMARY && !labels.containsKey("quantile")) {
          throw error("a summary's sample " + name + " without a quantile");
        }
        if (type == Type.SUMMARY) {
          double q = value(labels.get("quantile"));
          if (!(q >= 0 && q <= 1)) {
            throw error("quantile out of [0, 1]: " + q);
          }
        }
        return name;
      }
      for (String suffix : List.of("_bucket", "_sum", "_count")) {
        if (!name.endsWith(suffix)) {
          continue;
        }
        String base = name.substring(0, name.length() - suffix.length());
        Type type = types.get(base);
        if (type == Type.HISTOGRAM) {
          if (suffix.equals("_bucket") && !labels.containsKey("le")) {
            throw error("a bucket without an le label: " + name);
          }
          return base;
        }
        if (type == Type.SUMMARY && !suffix.equals("_bucket")) {
          return base;
        }
      }
      throw error("sample " + name + " belongs to no family declared with a TYPE");
    }

    private static void checkHistogram(Family family) {
      Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
      Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
      Set<Map<String, String>> sums = new HashSet<>();
      for (Sample sample : family.samples()) {
        Map<String, String> series = new TreeMap<>(sample.labels());
        String le = series.remove("le");
        if (sample.name().endsWith("_bucket")) {
          buckets.computeIfAbsent(series, s -> new TreeMap<>()).put(parseNumber(le), sample.value());
        } else if (sample.name().endsWith("_count")) {
          counts.put(series, sample.value());
        } else {
          sums.add(series);
        }
      }
      buckets.forEach((series, bounds) -> {
        String where = family.name() + series;
        if (!bounds.containsKey(Double.POSITIVE_INFINITY)) {
          throw new IllegalArgumentException(where + " has no +Inf bucket");
        }
        double previous = 0;
        for (double count : bounds.values()) {
          if (count < previous) {
            throw new IllegalArgumentException(where + " buckets are not cumulative: " + bounds);
          }
          previous = count;
        }
        if (!counts.containsKey(series) || !sums.contains(series)) {
          throw new IllegalArgumentException(where + " lacks its _count or _sum");
        }
        if (counts.get(series) != previous) {
          throw new IllegalArgumentException(where + " _count " + counts.get(series)
              + " is not its +Inf bucket " + previous);
        }
      });
    }

    private double value(String word) {
      try {
        return parseNumber(word);
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
    }

    private static double parseNumber(String word) {
      if (word == null) {
        throw new IllegalArgumentException("a missing number");
      }
      switch (word) {
        case "NaN":
          return Double.NaN;
        case "+Inf":
          return Double.POSITIVE_INFINITY;
        case "-Inf":
          return Double.NEGATIVE_INFINITY;
        default:
          if (!NUMBER.matcher(word).matches()) {
            throw new IllegalArgumentException("not a number: " + word);
          }
          return Double.parseDouble(word);
      }
    }

    private String token(Pattern pattern, String what) {
      int start = pos;
      while (pos < line.length() && isNameChar(line.charAt(pos))) {
        pos++;
      }
      String token = line.substring(start, pos);
      if (!pattern.matcher(token).matches()) {
        throw error("bad " + what + " '" + token + "' at column " + (start + 1));
      }
      return token;
    }

    private static boolean isNameChar(char c) {
      return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9');
    }

    private String nextWord() {
      int start = pos;
      while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
        pos++;
      }
      return line.substring(start, pos);
    }

    private void skipBlanks() {
      while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
        pos++;
      }
    }

    private char peek() {
      if (pos >= line.length()) {
        throw error("the line ends too soon");
      }
      return line.charAt(pos);
    }

    private char next(String problem) {
      if (pos >= line.length()) {
        throw error(problem);
      }
      return line.charAt(pos++);
    }

    private void expect(char c) {
      if (next("expected " + c) != c) {
        throw error("expected " + c + " at column " + pos);
      }
    }

    private IllegalArgumentException error(String problem) {
      return new IllegalArgumentException("line " + lineNumber + ": " + problem + ": " + line);
    }
  }
}
