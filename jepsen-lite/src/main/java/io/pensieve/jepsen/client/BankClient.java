package io.pensieve.jepsen.client;

import java.util.Map;

/**
 * A client of one node, for the bank workload. Never throws: every call ends in an
 * {@link Outcome} or a {@link BankRead}, and any doubt about whether a transaction applied is
 * an {@code info}.
 *
 * <p>Each call maps onto one request of the node's {@code KV} service:
 * <ul>
 *   <li>{@link #setup}: one {@code Txn}: if every account's create revision is 0 (none exists),
 *       put each balance; else range over {@link BankKeys#ACCOUNTS}, and answer ok only when
 *       the accounts hold exactly these balances, each still at the version that created it
 *       (an earlier attempt of this call applied and nothing has changed them since).
 *   <li>{@link #readAccounts}: one linearizable {@code Range} of the prefix
 *       {@link BankKeys#ACCOUNTS}, with the applied index the reply names.
 *   <li>{@link #transfer}: one {@code Txn}: if both accounts' versions equal those of
 *       {@code basis}, put both new balances (computed from {@code basis}) and the marker
 *       {@link BankKeys#marker}; else nothing, answered as {@link Outcome#compareFailed}.
 *   <li>{@link #readMarkers}: linearizable {@code Range}s of the prefix
 *       {@link BankKeys#MARKERS}, keys only, page by page until no more.
 * </ul>
 */
public interface BankClient extends AutoCloseable {
  /** Creates the accounts with these balances (see above); ok, fail or info. */
  Outcome setup(Map<String, Long> balances);

  /** Every account, read as one range. */
  BankRead<Accounts> readAccounts();

  /**
   * Applies {@code transfer} if neither account changed since {@code basis} was read: ok when it
   * applied, {@link Outcome#compareFailed} when an account had changed, fail when the node
   * certainly did not apply it, info when it may have.
   */
  Outcome transfer(Transfer transfer, Accounts basis);

  /** The ids of every transfer whose marker exists. */
  BankRead<Markers> readMarkers();

  /** The node this client talks to. */
  String node();

  /** "rest" or "grpc". */
  String api();

  @Override
  void close();
}
