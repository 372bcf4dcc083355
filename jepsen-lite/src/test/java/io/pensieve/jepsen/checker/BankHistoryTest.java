package io.pensieve.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.HistoryRecorder;
import io.pensieve.jepsen.history.OpKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BankHistoryTest {
  @TempDir
  Path dir;

  @Test
  void bankEventsGoThroughTheRecorderAsJsonLinesAndPairIntoOperations() throws IOException {
    Path file = dir.resolve("history.jsonl");
    try (HistoryRecorder history = new HistoryRecorder(file, System.nanoTime())) {
      BankEvent setup = history.record(BankEvent.invoke(7, BankOpKind.SETUP, null, null, null,
          null, Map.of("bank/0", 10L, "bank/1", 10L), "n1", "grpc"));
      history.record(BankEvent.complete(setup, EventType.OK, null, null, null, null));
      BankEvent transfer = history.record(BankEvent.invoke(0, BankOpKind.TRANSFER, "t0-1",
          "bank/0", "bank/1", 4L, null, "n2", "rest"));
      BankEvent read = history.record(BankEvent.invoke(1, BankOpKind.READ, null, null, null,
          null, null, "n3", "grpc"));
      history.record(BankEvent.complete(transfer, EventType.INFO, null, null, null, "timeout"));
      history.record(BankEvent.complete(read, EventType.OK, Map.of("bank/0", 6L, "bank/1", 14L),
          null, 9L, null));
      BankEvent last = history.record(BankEvent.invoke(1000000, BankOpKind.FINAL, null, null,
          null, null, null, "n1", "grpc"));
      history.record(BankEvent.complete(last, EventType.OK, Map.of("bank/0", 6L, "bank/1", 14L),
          List.of("t0-1"), 9L, null));
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(8);
    assertThat(lines.get(2)).startsWith("{\"index\":2,\"type\":\"invoke\",\"process\":0,"
        + "\"f\":\"transfer\",\"transfer\":\"t0-1\",\"from\":\"bank/0\",\"to\":\"bank/1\","
        + "\"amount\":4,\"time\":");
    List<BankOperation> ops = BankHistory.pair(BankHistory.read(file));
    assertThat(ops).extracting(BankOperation::kind).containsExactly(BankOpKind.SETUP,
        BankOpKind.TRANSFER, BankOpKind.READ, BankOpKind.FINAL);
    BankOperation transfer = ops.get(1);
    assertThat(transfer.outcome()).isEqualTo(Outcome.INFO);
    assertThat(transfer.completeTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(transfer.describe()).isEqualTo("p0 transfer t0-1 bank/0->bank/1 4 on n2 (info)");
    assertThat(ops.get(2).appliedIndex()).isEqualTo(9);
    assertThat(ops.get(3).markers()).containsExactly("t0-1");
    assertThat(BankChecker.check(ops).ok()).isTrue();
  }

  @Test
  void theRegisterHistoryIsWrittenAsBefore() throws IOException {
    Path file = dir.resolve("register.jsonl");
    try (HistoryRecorder history = new HistoryRecorder(file, 0)) {
      var invoke = history.invoke(3, OpKind.CAS, "k1", "b", "a", "n1", "rest");
      history.complete(invoke, EventType.FAIL, null, "compare_failed");
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).matches("\\{\"index\":0,\"type\":\"invoke\",\"process\":3,"
        + "\"f\":\"cas\",\"key\":\"k1\",\"value\":\"b\",\"expected\":\"a\",\"time\":\\d+,"
        + "\"node\":\"n1\",\"api\":\"rest\"}");
    assertThat(HistoryFile.readOperations(file)).singleElement()
        .satisfies(op -> assertThat(op.outcome()).isEqualTo(Outcome.COMPARE_FAILED));
  }

  @Test
  void aRegisterHistoryIsNotABankHistory() throws IOException {
    Path file = dir.resolve("register.jsonl");
    Files.writeString(file, "{\"index\":0,\"type\":\"invoke\",\"process\":3,\"f\":\"write\","
        + "\"key\":\"k1\",\"value\":\"b\",\"time\":1}\n");
    assertThatThrownBy(() -> BankHistory.read(file))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessageContaining("line 1: not a bank event");
  }

  // The bank's histories pair by the same rules, and with the same words, as the register's
  // (HistoryFileTest): one pairing serves both.

  private static BankEvent bankInvoke(long index, int process, BankOpKind f, String transfer) {
    return new BankEvent(index, EventType.INVOKE, process, f, transfer,
        transfer == null ? null : "bank/0", transfer == null ? null : "bank/1",
        transfer == null ? null : 1L, null, null, null, index, "n1", "grpc", null);
  }

  private static BankEvent bankDone(long index, EventType type, int process, BankOpKind f,
      String transfer) {
    return new BankEvent(index, type, process, f, transfer, null, null, null, null, null, null,
        index, "n1", "grpc", null);
  }

  @Test
  void operationsAreNumberedInInvokeOrderAndAnInvokeNeverCompletedIsInfo() {
    List<BankOperation> ops = BankHistory.pair(List.of(
        bankInvoke(0, 1, BankOpKind.TRANSFER, "t1"),
        bankInvoke(1, 2, BankOpKind.TRANSFER, "t2"),
        bankDone(2, EventType.OK, 2, BankOpKind.TRANSFER, "t2"),
        bankInvoke(3, 2, BankOpKind.TRANSFER, "t3"),
        bankDone(4, EventType.FAIL, 2, BankOpKind.TRANSFER, "t3")));
    assertThat(ops).extracting(BankOperation::id).containsExactly(0, 1, 2);
    assertThat(ops).extracting(BankOperation::transfer).containsExactly("t1", "t2", "t3");
    assertThat(ops).extracting(BankOperation::outcome)
        .containsExactly(Outcome.INFO, Outcome.OK, Outcome.FAIL);
    assertThat(ops.get(0).completeTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(ops.get(0).completeIndex()).isEqualTo(-1);
    assertThat(ops.get(1).completeIndex()).isEqualTo(2);
  }

  @Test
  void aCompletionWithoutAnInvokeIsRejectedAsInARegisterHistory() {
    assertThatThrownBy(() -> BankHistory.pair(List.of(
        bankInvoke(0, 1, BankOpKind.READ, null),
        bankDone(1, EventType.OK, 2, BankOpKind.READ, null))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("event 1 (index 1, process 2): ok without an invoke in flight");
  }

  @Test
  void aSecondInvokeInFlightIsRejectedAsInARegisterHistory() {
    assertThatThrownBy(() -> BankHistory.pair(List.of(
        bankInvoke(0, 1, BankOpKind.READ, null),
        bankInvoke(7, 1, BankOpKind.TRANSFER, "t1"))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("event 1 (index 7, process 1): invoke while the process's invoke at index 0"
            + " is still in flight");
  }

  @Test
  void aCompletionOfAnotherOperationOrWithoutWhatItReadIsRejected() {
    assertThatThrownBy(() -> BankHistory.pair(List.of(
        bankInvoke(0, 1, BankOpKind.TRANSFER, "t1"),
        bankDone(1, EventType.OK, 1, BankOpKind.TRANSFER, "t2"))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("event 1 (index 1, process 1): completes transfer but the invoke at index 0"
            + " was transfer");
    assertThatThrownBy(() -> BankHistory.pair(List.of(
        bankInvoke(0, 1, BankOpKind.READ, null),
        bankDone(1, EventType.OK, 1, BankOpKind.READ, null))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("event 1 (index 1, process 1): an ok read needs what it read");
    assertThatThrownBy(() -> BankHistory.pair(List.of(
        bankDone(0, null, 1, BankOpKind.READ, null))))
        .isInstanceOf(MalformedHistoryException.class)
        .hasMessage("event 0 (index 0, process 1): needs a type and f");
  }
}
