package io.pensieve.jepsen.client;

/**
 * Where the bank workload keeps its data. Accounts and markers live under two prefixes so that
 * one range of {@link #ACCOUNTS} reads every account and nothing else.
 */
public final class BankKeys {
  /** Every account's key starts with this; its value is the balance in decimal. */
  public static final String ACCOUNTS = "bank/";
  /** A transfer's marker is this followed by the transfer's id. */
  public static final String MARKERS = "bank-log/";

  private BankKeys() {}

  /** The key of account {@code number}. */
  public static String account(int number) {
    return ACCOUNTS + number;
  }

  public static String marker(String transferId) {
    return MARKERS + transferId;
  }
}
