package io.pensieve.jepsen.checker;

import static io.pensieve.jepsen.checker.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.OpKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
  private static Event invoke(long index, int process, OpKind f, String key, String value,
      long time) {
    return new Event(index, EventType.INVOKE, process, f, key, value, null, time, "n1", "rest",
        null);
  }

  private static Event done(long index, EventType type, int process, OpKind f, String key,
      String value, long time) {
    return new Event(index, type, process, f, key, value, null, time, "n1", "rest", null);
  }

  private static List<Event> read(String text) throws IOException {
    return HistoryFile.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void historiesRoundTripAsJsonLinesWithLowercaseEnums(@TempDir Path dir) throws IOException {
    List<Event> events = history()
        .write(1, "k", "a", 0, 5)
        .casCompareFailed(2, "k", "x", "b", 1, 6)
        .read(3, "k", null, 2, 7)
        .events();
    Path file = dir.resolve("history.jsonl");
    HistoryFile.write(file, events);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).isEqualTo("{\"index\":0,\"type\":\"invoke\",\"process\":1,"
        + "\"f\":\"write\",\"key\":\"k\",\"value\":\"a\",\"time\":0,\"node\":\"n1\","
        + "\"api\":\"grpc\"}");
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"error\":\"compare_failed\""));
    assertThat(HistoryFile.read(file)).isEqualTo(events);
  }

  @Test
  void blankLinesAndUnknownFieldsAreTolerated() throws IOException {
    List<Event> events = read("""
        {"index":0,"type":"invoke","process":1,"f":"read","key":"k","time":1,"extra":true}

        {"index":1,"type":"ok","process":1,"f":"read","key":"k","value":"v","time":2}
        """);
    assertThat(events).hasSize(2);
    assertThat(events.get(1).value()).isEqualTo("v");
  }

  @Test
  void writingStreamsToAnOpenStream() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HistoryFile.write(out, history().read(1, "k", "v", 0, 1).events());
    out.write('x'); // still open
    assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("}\nx");
  }

  @Test
  void malformedJsonIsRejectedWithItsLine() {
    assertThatThrownBy(() -> read("""
        {"index":0,"type":"invoke","process":1,"f":"read","key":"k","time":1}
        {"index":1,"type":"ok","process":1,"f":"read","key":"k","time":
        """))
        .isInstanceOf(MalformedHistoryException.class).hasMessageStartingWith("line 2: ");
    assertThatThrownBy(() -> read("{\"index\":0,\"type\":\"started\",\"process\":1}\n"))
        .isInstanceOf(MalformedHistoryException.class).hasMessageStartingWith("line 1: ")
        .hasMessageContaining("started");
    assertThatThrownBy(() -> read("{\"index\":0} {\"index\":1}\n"))
        .isInstanceOf(MalformedHistoryException.class).hasMessageStartingWith("line 1: ");
    assertThatThrownBy(() -> read("\nnull\n"))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("line 2: null is not an event");
  }

  @Test
  void pairsInvokesWithTheirCompletions() {
    List<Operation> ops = HistoryFile.pair(List.of(
        invoke(0, 1, OpKind.WRITE, "k", "a", 10),
        invoke(1, 2, OpKind.READ, "k", null, 11),
        invoke(2, 3, OpKind.WRITE, "k", "b", 12),
        done(3, EventType.OK, 2, OpKind.READ, "k", "a", 13),
        done(4, EventType.INFO, 1, OpKind.WRITE, "k", "a", 14),
        invoke(5, 2, OpKind.CAS, "k", "c", 15),
        new Event(6, EventType.FAIL, 2, OpKind.CAS, "k", "c", null, 16, "n2", "grpc",
            Event.COMPARE_FAILED)));
    assertThat(ops).extracting(Operation::id).containsExactly(0, 1, 2, 3);
    Operation write = ops.get(0);
    assertThat(write.outcome()).isEqualTo(Outcome.INFO);
    assertThat(write.completeTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(write.reportedTime()).isEqualTo(14);
    assertThat(write.completeIndex()).isEqualTo(4);
    Operation read = ops.get(1);
    assertThat(read.value()).isEqualTo("a");
    assertThat(read.outcome()).isEqualTo(Outcome.OK);
    assertThat(read.invokeTime()).isEqualTo(11);
    assertThat(read.completeTime()).isEqualTo(13);
    Operation neverCompleted = ops.get(2);
    assertThat(neverCompleted.outcome()).isEqualTo(Outcome.INFO);
    assertThat(neverCompleted.completeTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(neverCompleted.reportedTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(neverCompleted.completeIndex()).isEqualTo(-1);
    assertThat(ops.get(3).outcome()).isEqualTo(Outcome.COMPARE_FAILED);
    assertThat(ops.get(3).process()).isEqualTo(2);
  }

  @Test
  void completionWithoutInvokeIsRejected() {
    assertThatThrownBy(() -> HistoryFile.pair(List.of(
        invoke(0, 1, OpKind.READ, "k", null, 1),
        done(1, EventType.OK, 2, OpKind.READ, "k", "v", 2))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("event 1 (index 1, process 2): ok without an invoke in flight");
  }

  @Test
  void secondInvokeInFlightIsRejected() {
    assertThatThrownBy(() -> HistoryFile.pair(List.of(
        invoke(0, 1, OpKind.READ, "k", null, 1),
        invoke(7, 1, OpKind.WRITE, "k", "a", 2))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("event 1 (index 7, process 1): invoke while the process's invoke at index 0"
            + " is still in flight");
  }

  @Test
  void completionOfAnotherOperationIsRejected() {
    assertThatThrownBy(() -> HistoryFile.pair(List.of(
        invoke(0, 1, OpKind.READ, "k", null, 1),
        done(1, EventType.OK, 1, OpKind.READ, "other", "v", 2))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessageContaining("completes read other but the invoke at index 0 was read k");
    assertThatThrownBy(() -> HistoryFile.pair(List.of(
        invoke(0, 1, OpKind.READ, "k", null, 5),
        done(1, EventType.OK, 1, OpKind.READ, "k", "v", 4))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessageContaining("completes before its invoke");
  }

  @Test
  void writeWithoutAValueIsRejected() {
    assertThatThrownBy(() -> HistoryFile.pair(List.of(invoke(0, 1, OpKind.WRITE, "k", null, 1))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessageContaining("a write needs a value");
  }
}
