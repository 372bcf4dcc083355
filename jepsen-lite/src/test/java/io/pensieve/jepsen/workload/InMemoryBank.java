package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Accounts;
import io.pensieve.jepsen.client.Accounts.Account;
import io.pensieve.jepsen.client.Markers;
import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bank as one lock around a map: what a correct store does with the bank's transactions,
 * every call atomic, each write at the next index. The planted bugs ({@link PlantedBugs})
 * override one call each.
 */
class InMemoryBank {
  protected final Map<String, Account> accounts = new TreeMap<>();
  protected final Set<String> markers = new TreeSet<>();
  protected long appliedIndex;
  /** Transfers whose client gave up on them while they were still on their way. */
  private final List<Runnable> inFlight = new ArrayList<>();

  synchronized Outcome setup(Map<String, Long> balances) {
    if (accounts.isEmpty()) {
      appliedIndex++;
      balances.forEach((key, balance) -> accounts.put(key, new Account(balance, appliedIndex)));
      return Outcome.ok(null);
    }
    boolean same = accounts.keySet().equals(balances.keySet())
        && balances.entrySet().stream().allMatch(e ->
            accounts.get(e.getKey()).balance() == e.getValue());
    return same ? Outcome.ok(null) : Outcome.fail("the accounts exist with other balances");
  }

  synchronized Accounts readAccounts() {
    return new Accounts(accounts, appliedIndex);
  }

  synchronized Markers readMarkers() {
    return new Markers(List.copyOf(markers));
  }

  /** The transaction: both versions as in {@code basis}, or nothing. */
  synchronized Outcome transfer(Transfer transfer, Accounts basis) {
    deliverInFlight();
    Account from = basis.accounts().get(transfer.from());
    Account to = basis.accounts().get(transfer.to());
    if (accounts.get(transfer.from()).version() != from.version()
        || accounts.get(transfer.to()).version() != to.version()) {
      return Outcome.compareFailed();
    }
    apply(transfer, from.balance() - transfer.amount(), to.balance() + transfer.amount());
    return Outcome.ok(null);
  }

  /** Puts both balances and the marker at the next index. */
  protected void apply(Transfer transfer, long fromBalance, long toBalance) {
    appliedIndex++;
    accounts.put(transfer.from(), new Account(fromBalance, appliedIndex));
    accounts.put(transfer.to(), new Account(toBalance, appliedIndex));
    markers.add(transfer.id());
  }

  /** A transfer that reaches the store later, as the next transfer arrives (or never). */
  synchronized void deliverLater(Transfer transfer, Accounts basis) {
    inFlight.add(() -> transfer(transfer, basis));
  }

  private void deliverInFlight() {
    if (!inFlight.isEmpty()) {
      List<Runnable> due = List.copyOf(inFlight);
      inFlight.clear();
      due.forEach(Runnable::run);
    }
  }

  synchronized long appliedIndex() {
    return appliedIndex;
  }
}
