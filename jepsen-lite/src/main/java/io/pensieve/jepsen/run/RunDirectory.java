package io.pensieve.jepsen.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pensieve.jepsen.checker.BankCheckReport;
import io.pensieve.jepsen.checker.BankHistory;
import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.Checker;
import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.checker.NodeDigest;
import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.report.NemesisEvent;
import io.pensieve.jepsen.report.Reports;
import io.pensieve.jepsen.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's directory: what the run recorded (history, nemesis events, replica digests, how
 * long recovery took) and what the checker made of it (the report). Checking reads only the
 * files, so a run can be checked again later, or on another machine.
 */
public final class RunDirectory {
  static final String HISTORY = "history.jsonl";
  static final String NEMESIS = "nemesis.jsonl";
  static final String OPTIONS = "options.json";
  private static final String DIGESTS = "digests.json";
  private static final String RECOVERY = "recovery.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;

  public RunDirectory(Path dir) {
    this.dir = dir;
  }

  public Path path() {
    return dir;
  }

  void recordDigests(Map<String, NodeDigest> digests) throws IOException {
    JSON.writeValue(dir.resolve(DIGESTS).toFile(), digests);
  }

  /** How long the cluster took to be healthy after the faults were healed; -1: it never was. */
  void recordRecovery(long millis) throws IOException {
    JSON.writeValue(dir.resolve(RECOVERY).toFile(), Map.of("recovery_millis", millis));
  }

  /**
   * The workload the run drove, as its options.json says; a run recorded before the bank
   * existed says none, and was of the registers.
   */
  public WorkloadName workload() throws IOException {
    Path options = dir.resolve(OPTIONS);
    if (!Files.exists(options)) {
      return WorkloadName.REGISTER;
    }
    JsonNode workload = JSON.readTree(options.toFile()).path("workload");
    return workload.isMissingNode() ? WorkloadName.REGISTER
        : WorkloadName.parse(workload.asText());
  }

  /** Checks what the run recorded, by its workload's checker, and writes the report. */
  public RunResult checkRun(Duration perKeyBudget) throws IOException {
    return switch (workload()) {
      case REGISTER -> RunResult.register(dir, check(perKeyBudget));
      case BANK -> RunResult.bank(dir, checkBank());
      case SESSIONS -> RunResult.sessions(dir, new SessionRunDirectory(this).check());
    };
  }

  /** Checks what a register run recorded and writes the report next to it. */
  public CheckReport check(Duration perKeyBudget) throws IOException {
    List<Event> events = HistoryFile.read(dir.resolve(HISTORY));
    CheckReport report = Checker.check(events, finalValues(events), digests(), perKeyBudget);
    Reports.write(dir, events, nemesisEvents(), report, recovery());
    return report;
  }

  /** Checks what a bank run recorded and writes the report next to it. */
  public BankCheckReport checkBank() throws IOException {
    List<BankEvent> events = BankHistory.read(dir.resolve(HISTORY));
    BankCheckReport report = Checker.checkBank(events, digests());
    Reports.writeBank(dir, events, nemesisEvents(), report, recovery());
    return report;
  }

  /** Each node's digest as the run recorded it; none if it recorded none. */
  Map<String, NodeDigest> digests() throws IOException {
    return Files.exists(dir.resolve(DIGESTS))
        ? JSON.readValue(dir.resolve(DIGESTS).toFile(),
            new TypeReference<LinkedHashMap<String, NodeDigest>>() {})
        : Map.of();
  }

  /** How long the cluster took to recover after the faults healed; null if it never did. */
  Duration recovery() throws IOException {
    long recoveryMillis = Files.exists(dir.resolve(RECOVERY))
        ? JSON.readTree(dir.resolve(RECOVERY).toFile()).path("recovery_millis").asLong(-1) : -1;
    return recoveryMillis < 0 ? null : Duration.ofMillis(recoveryMillis);
  }

  /** Each key's value as the first successful final read saw it. */
  static Map<String, String> finalValues(List<Event> events) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Event event : events) {
      if (event.process() >= Workload.FINAL_READ_PROCESS && event.type() == EventType.OK
          && !values.containsKey(event.key())) {
        values.put(event.key(), event.value());
      }
    }
    return values;
  }

  public List<NemesisEvent> nemesisEvents() throws IOException {
    List<NemesisEvent> events = new ArrayList<>();
    if (Files.exists(dir.resolve(NEMESIS))) {
      for (String line : Files.readAllLines(dir.resolve(NEMESIS))) {
        if (!line.isBlank()) {
          events.add(JSON.readValue(line, NemesisEvent.class));
        }
      }
    }
    return events;
  }
}
