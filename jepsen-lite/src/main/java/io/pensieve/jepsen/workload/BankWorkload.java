package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Accounts;
import io.pensieve.jepsen.client.BankClient;
import io.pensieve.jepsen.client.BankKeys;
import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.Transfer;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.HistoryRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The bank: a few accounts under {@link BankKeys#ACCOUNTS}, concurrent clients moving money
 * between them, and reads of every account as one range. Money is neither made nor destroyed,
 * so every read must sum to the initial total, and no account may go below zero.
 *
 * <p>How a transfer is made, so that "every acknowledged transfer is reflected" can be checked:
 * the client reads every account (a {@code read} of the history, with each account's balance
 * and version), picks two distinct accounts and an amount of 1 to {@code maxTransfer} that the
 * source holds, and sends one transaction: if both accounts are still at the versions read,
 * put both new balances and the marker {@code bank-log/<transfer id>}. The version compare
 * makes the absolute balances it puts equal to "move the amount" (and keeps the source from
 * going negative); the marker, written at the same revision as the balances, is the
 * transfer's receipt. After the run, the final read takes the balances and every marker of one
 * state ({@link RecordingBankClient#readFinal}), and the checker asks that every acknowledged
 * transfer's marker be there, no failed transfer's, and that the balances be the initial ones
 * plus the effects of exactly the transfers whose markers are there.
 *
 * <p>Client {@code c} runs as process {@code c}, then {@code c + clients} after an outcome it
 * could not know, and so on, as the register workload's clients do.
 */
public final class BankWorkload {
  /** The setup is recorded as process SETUP_PROCESS. */
  public static final int SETUP_PROCESS = 2_000_000;
  /** Final reads are recorded as processes from here on, one per client given. */
  public static final int FINAL_READ_PROCESS = Workload.FINAL_READ_PROCESS;
  /** How often the setup is tried before the run gives up. */
  private static final int SETUP_ATTEMPTS = 10;
  /** How often a final read is tried while transfers of unknown outcome still land. */
  private static final int FINAL_READ_ATTEMPTS = 10;

  /**
   * @param clients concurrent clients
   * @param accounts how many accounts, {@code bank/0} ... (at least 2)
   * @param initialBalance each account's balance at the start
   * @param maxTransfer the largest amount one transfer moves (at least 1)
   * @param readFraction the share of operations that are reads of every account; the others
   *     are transfers, each after a read of its own
   * @param rate operations per second across all clients
   * @param timeout each operation's client-side deadline (how long {@link #stop} waits)
   */
  public record Config(int clients, int accounts, long initialBalance, int maxTransfer,
                       double readFraction, double rate, long seed, Duration timeout) {
    public Config {
      if (clients < 1 || accounts < 2 || initialBalance < 0 || maxTransfer < 1
          || readFraction < 0 || readFraction > 1 || rate <= 0) {
        throw new IllegalArgumentException("bad bank workload: " + this);
      }
    }

    /** Five accounts of 100, transfers of 1 to 5, half of the operations reads. */
    public static Config defaults(int clients, double rate, long seed, Duration timeout) {
      return new Config(clients, 5, 100, 5, 0.5, rate, seed, timeout);
    }

    /** Every account with its initial balance. */
    public Map<String, Long> initialBalances() {
      Map<String, Long> balances = new TreeMap<>();
      for (int i = 0; i < accounts; i++) {
        balances.put(BankKeys.account(i), initialBalance);
      }
      return balances;
    }
  }

  private final HistoryRecorder history;
  private final Config config;
  private final IntFunction<BankClient> clientForSlot;
  private final ClientThreads clients = new ClientThreads();

  /** @param clientForSlot the client slot {@code c} uses (for example one of node c mod n) */
  public BankWorkload(HistoryRecorder history, Config config,
                      IntFunction<BankClient> clientForSlot) {
    this.history = history;
    this.config = config;
    this.clientForSlot = clientForSlot;
  }

  /**
   * Creates the accounts, before {@link #start}: the checker takes the initial balances from
   * this operation.
   *
   * @throws IllegalStateException if no attempt was ok
   */
  public void setup(BankClient client) {
    RecordingBankClient recording = new RecordingBankClient(client, history, SETUP_PROCESS, 1);
    Outcome last = null;
    for (int attempt = 0; attempt < SETUP_ATTEMPTS; attempt++) {
      last = recording.setup(config.initialBalances());
      if (last.type() == EventType.OK) {
        return;
      }
    }
    throw new IllegalStateException("the bank's accounts could not be set up after "
        + SETUP_ATTEMPTS + " attempts: " + last.error());
  }

  public void start() {
    clients.start("bank-client", config.clients(), this::runClient);
  }

  /** Stops issuing operations and waits for those in flight to complete. */
  public void stop() throws InterruptedException {
    clients.stop(config.timeout());
  }

  private void runClient(int slot) {
    RecordingBankClient client = new RecordingBankClient(clientForSlot.apply(slot), history,
        slot, config.clients());
    Random random = new Random(config.seed() * 1_000_003 + slot);
    long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) * config.clients() / config.rate());
    long next = System.nanoTime() + (long) (random.nextDouble() * intervalNanos);
    int transfers = 0;
    while (clients.running()) {
      LockSupport.parkNanos(next - System.nanoTime());
      next += (long) (intervalNanos * (0.5 + random.nextDouble()));
      Optional<Accounts> basis = client.readAccounts();
      if (basis.isEmpty() || random.nextDouble() < config.readFraction()) {
        continue;
      }
      pick(basis.get(), "t" + slot + "-" + (++transfers), random)
          .ifPresent(transfer -> client.transfer(transfer, basis.get()));
    }
  }

  /**
   * A transfer the basis can pay: from an account with money in it, to another, of 1 to
   * {@code maxTransfer} but no more than the source holds. Empty only if no account has money.
   */
  Optional<Transfer> pick(Accounts basis, String id, Random random) {
    List<String> keys = new ArrayList<>(basis.accounts().keySet());
    List<String> funded = keys.stream()
        .filter(key -> basis.accounts().get(key).balance() > 0).toList();
    if (funded.isEmpty() || keys.size() < 2) {
      return Optional.empty();
    }
    String from = funded.get(random.nextInt(funded.size()));
    keys.remove(from);
    String to = keys.get(random.nextInt(keys.size()));
    long most = Math.min(config.maxTransfer(), basis.accounts().get(from).balance());
    return Optional.of(new Transfer(id, from, to, 1 + (long) random.nextInt((int) most)));
  }

  /**
   * Reads the final state through each client (one per node, after the cluster healed), each
   * tried until its balances and markers are of one state.
   */
  public void finalReads(List<BankClient> clients) {
    for (int i = 0; i < clients.size(); i++) {
      RecordingBankClient client = new RecordingBankClient(clients.get(i), history,
          FINAL_READ_PROCESS + i, clients.size());
      for (int attempt = 0; attempt < FINAL_READ_ATTEMPTS; attempt++) {
        if (client.readFinal().isPresent()) {
          break;
        }
      }
    }
  }
}
