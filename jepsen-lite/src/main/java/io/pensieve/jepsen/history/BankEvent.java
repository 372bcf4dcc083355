package io.pensieve.jepsen.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One line of a bank history: a client invoking an operation on the accounts, or that
 * operation's completion. The contract of {@link Event} holds (one operation at a time per
 * {@code process}, {@code fail} certainly not applied, {@code info} unknown outcome, {@code time}
 * in nanoseconds on the run's clock); only the operations differ.
 *
 * <ul>
 *   <li>{@code setup}: {@code balances} the accounts and the balances they start with. Ok once
 *       the accounts hold exactly these, before any other operation is invoked.
 *   <li>{@code transfer}: moves {@code amount} from account {@code from} to account {@code to}
 *       in one transaction that also writes the marker of {@code transfer}, the transfer's id,
 *       unique in the history. Fails with {@code error} {@value Event#COMPARE_FAILED} when an
 *       account changed since the client read it.
 *   <li>{@code read}: one range read of every account; completes ok with {@code balances} and
 *       {@code appliedIndex}, the index of the state the reply reflects.
 *   <li>{@code final}: the state after the run, ok with {@code balances}, the ids of every marker
 *       ({@code markers}) and {@code appliedIndex}, all of one state.
 * </ul>
 *
 * <p>Completions repeat their invoke's transfer fields, as register completions repeat the key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BankEvent(long index, EventType type, int process, BankOpKind f, String transfer,
                        String from, String to, Long amount, Map<String, Long> balances,
                        List<String> markers, Long appliedIndex, long time, String node,
                        String api, String error) implements PairedEvent {

  /** An invoke, to be stamped with its index and time by {@link HistoryRecorder#record}. */
  public static HistoryRecorder.Stamper<BankEvent> invoke(int process, BankOpKind f,
      String transfer, String from, String to, Long amount, Map<String, Long> balances,
      String node, String api) {
    return (index, time) -> new BankEvent(index, EventType.INVOKE, process, f, transfer, from,
        to, amount, balances, null, null, time, node, api, null);
  }

  /**
   * The completion of {@code invoke}: for an ok read or final, what it read; otherwise the
   * invoke's fields again.
   */
  public static HistoryRecorder.Stamper<BankEvent> complete(BankEvent invoke, EventType type,
      Map<String, Long> balances, List<String> markers, Long appliedIndex, String error) {
    boolean observed = type == EventType.OK
        && (invoke.f() == BankOpKind.READ || invoke.f() == BankOpKind.FINAL);
    return (index, time) -> new BankEvent(index, type, invoke.process(), invoke.f(),
        invoke.transfer(), invoke.from(), invoke.to(), invoke.amount(),
        observed ? balances : invoke.balances(), observed ? markers : null,
        observed ? appliedIndex : null, time, invoke.node(), invoke.api(), error);
  }
}
