package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Accounts;
import io.pensieve.jepsen.client.BankClient;
import io.pensieve.jepsen.client.BankRead;
import io.pensieve.jepsen.client.Markers;
import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.Transfer;
import io.pensieve.jepsen.history.BankEvent;
import io.pensieve.jepsen.history.BankOpKind;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.HistoryRecorder;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link BankClient} whose every call is recorded as an invoke and a completion, as one
 * process. After an outcome it cannot know ({@code info}) it goes on as a new process
 * ({@code process + processStride}), since the old operation may still be in flight.
 */
public final class RecordingBankClient {
  private final BankClient client;
  private final HistoryRecorder history;
  private final int processStride;
  private int process;

  public RecordingBankClient(BankClient client, HistoryRecorder history, int process,
                             int processStride) {
    this.client = client;
    this.history = history;
    this.process = process;
    this.processStride = processStride;
  }

  /** The process the next operation is recorded as. */
  public int process() {
    return process;
  }

  public Outcome setup(Map<String, Long> balances) {
    BankEvent invoke = invoke(BankOpKind.SETUP, null, new TreeMap<>(balances));
    Outcome outcome = client.setup(balances);
    complete(invoke, outcome.type(), null, null, outcome.error());
    return outcome;
  }

  /** Reads every account; empty when the read failed. */
  public Optional<Accounts> readAccounts() {
    BankEvent invoke = invoke(BankOpKind.READ, null, null);
    BankRead<Accounts> read = client.readAccounts();
    read.value().ifPresentOrElse(
        accounts -> complete(invoke, EventType.OK, accounts, null, null),
        () -> complete(invoke, EventType.FAIL, null, null, read.error()));
    return read.value();
  }

  public Outcome transfer(Transfer transfer, Accounts basis) {
    BankEvent invoke = invoke(BankOpKind.TRANSFER, transfer, null);
    Outcome outcome = client.transfer(transfer, basis);
    complete(invoke, outcome.type(), null, null, outcome.error());
    return outcome;
  }

  /**
   * Reads the accounts, then every marker, then the accounts again, recorded as one
   * {@code final} operation. It is ok only when both reads of the accounts found every account
   * at the same version: every transfer writes both its accounts and its marker at one
   * revision, so none applied between the two reads, and the markers (pages of a range, not one
   * snapshot) and the balances are of one state.
   */
  public Optional<FinalState> readFinal() {
    BankEvent invoke = invoke(BankOpKind.FINAL, null, null);
    BankRead<Accounts> before = client.readAccounts();
    BankRead<Markers> markers = before.value().isPresent() ? client.readMarkers()
        : BankRead.fail(before.error());
    BankRead<Accounts> after = markers.value().isPresent() ? client.readAccounts()
        : BankRead.fail(markers.error());
    if (after.value().isEmpty()) {
      complete(invoke, EventType.FAIL, null, null, after.error());
      return Optional.empty();
    }
    if (!before.value().orElseThrow().versions().equals(after.value().orElseThrow().versions())) {
      complete(invoke, EventType.FAIL, null, null, "accounts changed while reading the markers");
      return Optional.empty();
    }
    FinalState state = new FinalState(after.value().orElseThrow(), markers.value().orElseThrow());
    complete(invoke, EventType.OK, state.accounts(), state.markers(), null);
    return Optional.of(state);
  }

  /** The accounts and the markers, of one state. */
  public record FinalState(Accounts accounts, Markers markers) {}

  private BankEvent invoke(BankOpKind f, Transfer transfer, Map<String, Long> balances) {
    return history.record(BankEvent.invoke(process, f,
        transfer == null ? null : transfer.id(), transfer == null ? null : transfer.from(),
        transfer == null ? null : transfer.to(), transfer == null ? null : transfer.amount(),
        balances, client.node(), client.api()));
  }

  private void complete(BankEvent invoke, EventType type, Accounts accounts, Markers markers,
                        String error) {
    history.record(BankEvent.complete(invoke, type,
        accounts == null ? null : accounts.balances(),
        markers == null ? null : markers.transferIds(),
        accounts == null ? null : accounts.appliedIndex(), error));
    if (type == EventType.INFO) {
      process += processStride;
    }
  }
}
