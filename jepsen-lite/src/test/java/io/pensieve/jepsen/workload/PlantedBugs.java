package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Accounts;
import io.pensieve.jepsen.client.Accounts.Account;
import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.Transfer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stores with one bug each, planted in one call so that a test knows exactly what the checker
 * must find. Each remembers the transfer (or read) it broke.
 */
final class PlantedBugs {
  private PlantedBugs() {}

  /** A store whose {@code n}th applied transfer is broken one way or another. */
  abstract static class BrokenTransfer extends InMemoryBank {
    private final int brokenAt;
    private int applied;
    private Transfer broken;

    BrokenTransfer(int brokenAt) {
      this.brokenAt = brokenAt;
    }

    @Override
    synchronized Outcome transfer(Transfer transfer, Accounts basis) {
      Account from = basis.accounts().get(transfer.from());
      Account to = basis.accounts().get(transfer.to());
      if (accounts.get(transfer.from()).version() != from.version()
          || accounts.get(transfer.to()).version() != to.version()) {
        return Outcome.compareFailed();
      }
      long fromBalance = from.balance() - transfer.amount();
      long toBalance = to.balance() + transfer.amount();
      if (++applied != brokenAt) {
        apply(transfer, fromBalance, toBalance);
        return Outcome.ok(null);
      }
      broken = transfer;
      return applyBroken(transfer, fromBalance, toBalance);
    }

    abstract Outcome applyBroken(Transfer transfer, long fromBalance, long toBalance);

    synchronized Transfer broken() {
      return broken;
    }
  }

  /** Debits the source and writes the marker, then never credits the destination: ok. */
  static final class NonAtomicTransfer extends BrokenTransfer {
    NonAtomicTransfer(int brokenAt) {
      super(brokenAt);
    }

    @Override
    Outcome applyBroken(Transfer transfer, long fromBalance, long toBalance) {
      appliedIndex++;
      accounts.put(transfer.from(), new Account(fromBalance, appliedIndex));
      markers.add(transfer.id());
      return Outcome.ok(null);
    }
  }

  /** Acknowledges the transfer and applies nothing of it. */
  static final class LostAcknowledgedTransfer extends BrokenTransfer {
    LostAcknowledgedTransfer(int brokenAt) {
      super(brokenAt);
    }

    @Override
    Outcome applyBroken(Transfer transfer, long fromBalance, long toBalance) {
      return Outcome.ok(null);
    }
  }

  /** Applies the transfer and answers that it certainly did not. */
  static final class FailedButApplied extends BrokenTransfer {
    FailedButApplied(int brokenAt) {
      super(brokenAt);
    }

    @Override
    Outcome applyBroken(Transfer transfer, long fromBalance, long toBalance) {
      apply(transfer, fromBalance, toBalance);
      return Outcome.fail("unavailable");
    }
  }

  /**
   * Answers its {@code n}th read after a transfer applied with a state torn in the middle of
   * that transfer: the source debited, the destination not yet credited.
   */
  static final class TornRead extends InMemoryBank {
    private final int tornAt;
    private Transfer last;
    /** The destination of the last transfer as it was before it. */
    private Account lastDestinationBefore;
    private int readsAfterTransfer;
    private Accounts torn;

    TornRead(int tornAt) {
      this.tornAt = tornAt;
    }

    @Override
    protected void apply(Transfer transfer, long fromBalance, long toBalance) {
      lastDestinationBefore = accounts.get(transfer.to());
      super.apply(transfer, fromBalance, toBalance);
      last = transfer;
    }

    @Override
    synchronized Accounts readAccounts() {
      if (last == null || ++readsAfterTransfer != tornAt) {
        return super.readAccounts();
      }
      Map<String, Account> halfway = new TreeMap<>(accounts);
      halfway.put(last.to(), lastDestinationBefore);
      torn = new Accounts(halfway, appliedIndex);
      return torn;
    }

    synchronized Accounts torn() {
      return torn;
    }
  }

  /** Applies every transfer as "move the amount", never comparing versions. */
  static final class IgnoresVersions extends InMemoryBank {
    @Override
    synchronized Outcome transfer(Transfer transfer, Accounts basis) {
      apply(transfer, accounts.get(transfer.from()).balance() - transfer.amount(),
          accounts.get(transfer.to()).balance() + transfer.amount());
      return Outcome.ok(null);
    }
  }

  /**
   * Once told to lag, answers reads with its state as it was before the last transfer, as a
   * replica behind its leader would if it served reads without asking the leader.
   */
  static final class StaleReplica extends InMemoryBank {
    private Accounts beforeLastTransfer;
    private boolean lagging;

    @Override
    protected void apply(Transfer transfer, long fromBalance, long toBalance) {
      beforeLastTransfer = super.readAccounts();
      super.apply(transfer, fromBalance, toBalance);
    }

    synchronized void lag() {
      lagging = true;
    }

    @Override
    synchronized Accounts readAccounts() {
      return lagging && beforeLastTransfer != null ? beforeLastTransfer : super.readAccounts();
    }
  }
}
