package io.pensieve.jepsen.client;

/**
 * A transfer of {@code amount} from one account to another.
 *
 * @param id unique in the run; the marker's key is {@link BankKeys#marker} of it
 */
public record Transfer(String id, String from, String to, long amount) {
  public Transfer {
    if (from.equals(to)) {
      throw new IllegalArgumentException("a transfer needs two accounts: " + from);
    }
    if (amount <= 0) {
      throw new IllegalArgumentException("a transfer moves a positive amount: " + amount);
    }
  }
}
