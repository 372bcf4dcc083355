package io.pensieve.jepsen.client;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every account as one range read saw it, all of one state.
 *
 * @param accounts by key
 * @param appliedIndex the index of the state the read reflects
 */
public record Accounts(Map<String, Account> accounts, long appliedIndex) {
  /**
   * One account.
   *
   * @param version the revision of the account's last write: a transfer compares it, so that it
   *     applies only to the balances it was computed from
   */
  public record Account(long balance, long version) {}

  public Accounts {
    accounts = Collections.unmodifiableMap(new TreeMap<>(accounts));
  }

  /** The balances by key, in key order. */
  public Map<String, Long> balances() {
    Map<String, Long> balances = new TreeMap<>();
    accounts.forEach((key, account) -> balances.put(key, account.balance()));
    return balances;
  }

  /** The versions by key, in key order. */
  public Map<String, Long> versions() {
    Map<String, Long> versions = new TreeMap<>();
    accounts.forEach((key, account) -> versions.put(key, account.version()));
    return versions;
  }
}
