package io.pensieve.jepsen.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends events to a JSON-lines file. Each event gets its index and time under one lock, so
 * the file's order is the order of the times. The register's {@link Event}s go through
 * {@link #invoke} and {@link #complete}; another workload's events (the bank's
 * {@link BankEvent}s) through {@link #record}, on the same clock as the nemesis.
 */
public final class HistoryRecorder implements AutoCloseable {
  private static final ObjectWriter JSON = new ObjectMapper().writer();

  private final long startNanos;
  private final BufferedWriter out;
  private long nextIndex;

  public HistoryRecorder(Path file, long startNanos) throws IOException {
    this.startNanos = startNanos;
    this.out = Files.newBufferedWriter(file);
  }

  /** Records an invoke and returns it. */
  public Event invoke(int process, OpKind f, String key, String value, String expected,
                      String node, String api) {
    return append(EventType.INVOKE, process, f, key, value, expected, node, api, null);
  }

  /** Records the completion of {@code invoke}. */
  public Event complete(Event invoke, EventType type, String value, String error) {
    return append(type, invoke.process(), invoke.f(), invoke.key(),
        type == EventType.OK && invoke.f() == OpKind.READ ? value : invoke.value(),
        invoke.expected(), invoke.node(), invoke.api(), error);
  }

  private Event append(EventType type, int process, OpKind f, String key, String value,
                       String expected, String node, String api, String error) {
    return record((index, time) -> new Event(index, type, process, f, key, value, expected,
        time, node, api, error));
  }

  /** Builds an event from the index and time it is given. */
  @FunctionalInterface
  public interface Stamper<E> {
    E stamp(long index, long time);
  }

  /** Stamps an event with the next index and the current time, records it and returns it. */
  public synchronized <E> E record(Stamper<E> stamper) {
    E event = stamper.stamp(nextIndex++, System.nanoTime() - startNanos);
    try {
      out.write(JSON.writeValueAsString(event));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return event;
  }

  /** Nanoseconds since the run began, on the history's clock. */
  public long now() {
    return System.nanoTime() - startNanos;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
