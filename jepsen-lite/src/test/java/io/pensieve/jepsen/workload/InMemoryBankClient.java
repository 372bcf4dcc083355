package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Accounts;
import io.pensieve.jepsen.client.BankClient;
import io.pensieve.jepsen.client.BankRead;
import io.pensieve.jepsen.client.Markers;
import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.Transfer;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A client of an {@link InMemoryBank} that fails as a network does, at {@code faultRate} for
 * each kind of fault: a read refused; a transfer refused before it reached the store (fail);
 * lost on the way (info, never applied); applied but its reply lost (info); or still on its
 * way when the client gave up (info, applied later if its compare still holds). Short pauses
 * around calls shuffle the interleavings of concurrent clients. Used by one thread.
 */
final class InMemoryBankClient extends InMemoryClient implements BankClient {
  private final InMemoryBank bank;

  InMemoryBankClient(InMemoryBank bank, String node, long seed, double faultRate) {
    super(node, seed, faultRate);
    this.bank = bank;
  }

  @Override
  public Outcome setup(Map<String, Long> balances) {
    return bank.setup(balances);
  }

  @Override
  public BankRead<Accounts> readAccounts() {
    jitter();
    if (faulty()) {
      return BankRead.fail("unavailable");
    }
    Accounts accounts = bank.readAccounts();
    jitter();
    return BankRead.ok(accounts);
  }

  @Override
  public Outcome transfer(Transfer transfer, Accounts basis) {
    jitter();
    double dice = random.nextDouble();
    Outcome outcome;
    if (dice < faultRate) {
      outcome = Outcome.fail("unavailable");
    } else if (dice < 2 * faultRate) {
      outcome = Outcome.info("timeout: lost on the way");
    } else if (dice < 3 * faultRate) {
      bank.transfer(transfer, basis);
      outcome = Outcome.info("connection reset after the request was sent");
    } else if (dice < 4 * faultRate) {
      bank.deliverLater(transfer, basis);
      outcome = Outcome.info("timeout: still on its way");
    } else {
      outcome = bank.transfer(transfer, basis);
    }
    jitter();
    return outcome;
  }

  @Override
  public BankRead<Markers> readMarkers() {
    return BankRead.ok(bank.readMarkers());
  }

  /** Now and then a pause of up to 20 microseconds, for another client to overtake this one. */
  private void jitter() {
    if (random.nextInt(4) == 0) {
      LockSupport.parkNanos(random.nextInt(20_000));
    }
  }
}
