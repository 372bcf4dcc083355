package io.pensieve.jepsen.checker;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.OpKind;
import io.pensieve.jepsen.history.SessionEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Histories on disk, one JSON {@link Event} per line, and their pairing into
 * {@link Operation}s. Both directions stream: no history is ever held as one string.
 */
public final class HistoryFile {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      // a newer runner may add fields; the checker reads the ones it knows
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final ObjectReader READER = MAPPER.readerFor(Event.class);
  private static final ObjectWriter WRITER = MAPPER.writerFor(Event.class);

  private HistoryFile() {}

  public static List<Event> read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    } catch (MalformedHistoryException e) {
      throw new MalformedHistoryException(path + ": " + e.getMessage(), e.getCause());
    }
  }

  public static List<Event> read(InputStream in) throws IOException {
    List<Event> events = new ArrayList<>();
    forEach(new InputStreamReader(in, StandardCharsets.UTF_8), events::add);
    return events;
  }

  /**
   * Parses {@code in} line by line, handing each event to {@code sink} as it is read. Each line
   * is parsed alone, so a torn line (a runner killed mid-write) is reported as that line rather
   * than read together with the next one.
   */
  public static void forEach(Reader in, Consumer<Event> sink) throws IOException {
    forEach(in, READER, "an event", sink);
  }

  /** A sessions history: one {@link SessionEvent} per line. */
  public static List<SessionEvent> readSessions(Path path) throws IOException {
    return read(path, SessionEvent.class, "a sessions event");
  }

  /**
   * Every line of a file of JSON lines, each of {@code type}, parsed alone as {@link #forEach}
   * parses events; fields a newer runner added are skipped.
   *
   * @param what what a line is, for the error: {@code a bank event}
   */
  static <T> List<T> read(Path path, Class<T> type, String what) throws IOException {
    List<T> values = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      HistoryFile.<T>forEach(in, MAPPER.readerFor(type), what, values::add);
    } catch (MalformedHistoryException e) {
      throw new MalformedHistoryException(path + ": " + e.getMessage(), e.getCause());
    }
    return values;
  }

  private static <T> void forEach(Reader in, ObjectReader reader, String what, Consumer<T> sink)
      throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      T value;
      try {
        value = reader.readValue(line);
      } catch (JsonProcessingException e) {
        throw new MalformedHistoryException(
            "line " + number + ": not " + what + ": " + e.getOriginalMessage(), e);
      }
      if (value == null) {
        throw new MalformedHistoryException("line " + number + ": null is not " + what);
      }
      sink.accept(value);
    }
  }

  public static void write(Path path, List<Event> events) throws IOException {
    try (OutputStream out = Files.newOutputStream(path)) {
      write(out, events);
    }
  }

  /** Writes one event per line; {@code out} stays open. */
  public static void write(OutputStream out, Iterable<Event> events) throws IOException {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    try (JsonGenerator json = MAPPER.createGenerator(writer)) {
      for (Event event : events) {
        WRITER.writeValue(json, event);
        json.writeRaw('\n');
      }
    }
    writer.flush();
  }

  /** Reads and pairs in one go. */
  public static List<Operation> readOperations(Path path) throws IOException {
    return pair(read(path));
  }

  /**
   * Pairs each invoke with its process's next completion, in history order. An invoke that
   * never completes counts as {@link Outcome#INFO}.
   *
   * @throws MalformedHistoryException on a completion without an invoke, a second invoke while
   *     the process's first is in flight, or a completion that does not match its invoke
   */
  public static List<Operation> pair(List<Event> history) {
    return InvokePairing.pair(history, RegisterRules.INSTANCE);
  }

  /** The register's rules for its events, and its operations; it keeps no state. */
  private enum RegisterRules implements InvokePairing.Rules<Event, Operation> {
    INSTANCE;

    @Override
    public void checkEvent(Event event, int position) {
      if (event.type() == null) {
        throw new MalformedHistoryException(where(position, event) + ": no type");
      }
    }

    @Override
    public void checkInvoke(Event invoke, int position) {
      HistoryFile.checkInvoke(invoke, position);
    }

    @Override
    public void checkCompletion(Event event, Event invoke, int position) {
      if ((event.f() != null && event.f() != invoke.f())
          || (event.key() != null && !event.key().equals(invoke.key()))) {
        throw new MalformedHistoryException(where(position, event) + ": completes "
            + HistoryFile.name(event.f()) + " " + event.key() + " but the invoke at index "
            + invoke.index() + " was " + HistoryFile.name(invoke.f()) + " " + invoke.key());
      }
      if (event.time() < invoke.time()) {
        throw new MalformedHistoryException(
            where(position, event) + ": completes before its invoke at index " + invoke.index());
      }
    }

    @Override
    public Operation operation(int id, Event invoke, Event completion) {
      return HistoryFile.operation(id, invoke, completion);
    }
  }

  private static void checkInvoke(Event invoke, int position) {
    if (invoke.f() == null || invoke.key() == null) {
      throw new MalformedHistoryException(
          where(position, invoke) + ": an invoke needs f and key");
    }
    if (invoke.f() != OpKind.READ && invoke.value() == null) {
      throw new MalformedHistoryException(
          where(position, invoke) + ": a " + invoke.f().json() + " needs a value");
    }
  }

  private static Operation operation(int id, Event invoke, Event completion) {
    Outcome outcome;
    if (completion == null || completion.type() == EventType.INFO) {
      outcome = Outcome.INFO;
    } else if (completion.type() == EventType.OK) {
      outcome = Outcome.OK;
    } else if (completion.compareFailed()) {
      outcome = Outcome.COMPARE_FAILED;
    } else {
      outcome = Outcome.FAIL;
    }
    // a read's value is what it returned; a write's or cas's is what it was asked to write
    String value = invoke.f() == OpKind.READ
        ? (outcome == Outcome.OK ? completion.value() : null)
        : invoke.value();
    long reported = completion == null ? Long.MAX_VALUE : completion.time();
    return new Operation(id, invoke.process(), invoke.f(), invoke.key(), value,
        invoke.f() == OpKind.CAS ? invoke.expected() : null, outcome, invoke.time(),
        outcome == Outcome.INFO ? Long.MAX_VALUE : completion.time(), reported,
        invoke.node(), invoke.api(), completion == null ? null : completion.error(),
        invoke.index(), completion == null ? -1 : completion.index());
  }

  private static String name(OpKind f) {
    return f == null ? "?" : f.json();
  }

  private static String where(int position, Event event) {
    return InvokePairing.where(position, event);
  }
}
