package io.pensieve.jepsen.client;

import com.google.protobuf.ByteString;
import io.pensieve.api.KeyRanges;
import io.pensieve.client.PensieveClient;
import io.pensieve.client.PensieveException;
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.KVGrpc;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.RangeRequest;
import io.pensieve.proto.v1.RangeResponse;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnRequest;
import io.pensieve.proto.v1.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bank over a node's gRPC {@code KV} service ({@code Txn} and {@code Range}), through the
 * Java client, as {@link PensieveRegisterClient} does the register: the client is bound to one
 * node and sends each call once, within its deadline, so the history says which node served
 * it; whether a failed transaction applied is the client's {@link PensieveException#outcome},
 * from the error table of {@code errors.proto}.
 *
 * <p>Every balance and marker is put with {@code ttl_millis = 0} (never expires): the cluster's
 * default TTL, if it has one, must not make money vanish.
 */
public final class PensieveBankClient implements BankClient {
  private static final ByteString ACCOUNTS = utf8(BankKeys.ACCOUNTS);
  private static final ByteString ACCOUNTS_END = ByteString.copyFrom(
      KeyRanges.prefixEnd(BankKeys.ACCOUNTS.getBytes(StandardCharsets.UTF_8)));
  private static final ByteString MARKERS = utf8(BankKeys.MARKERS);
  private static final ByteString MARKERS_END = ByteString.copyFrom(
      KeyRanges.prefixEnd(BankKeys.MARKERS.getBytes(StandardCharsets.UTF_8)));
  /** Far more pages than the markers of any run need; a bound so a looping reply cannot hang. */
  private static final int MAX_MARKER_PAGES = 100_000;

  private final PensieveClient client;
  private final String node;
  private final long markersPerPage;

  /**
   * @param client bound to one node, each call sent once; shared, not closed with this
   * @param node that node's id, for the history
   */
  public PensieveBankClient(PensieveClient client, String node) {
    this(client, node, 0);
  }

  /** @param markersPerPage the limit of each page of markers; 0: as many as the node allows */
  PensieveBankClient(PensieveClient client, String node, long markersPerPage) {
    this.client = client;
    this.node = node;
    this.markersPerPage = markersPerPage;
  }

  /**
   * One transaction: if no account exists (create revision 0 for each), put every balance;
   * else range over the accounts. A {@code fail} or an {@code info} from the node is mapped as
   * for any write ({@link Outcome#writeFailed}). When the compares failed, nothing was written:
   * the setup is ok only when the accounts already hold exactly these balances, each never
   * written since it was created (version = create revision): an earlier attempt of this setup
   * whose answer was lost applied, and nothing has moved money since. Any other state is a
   * fail (certainly not applied by this call).
   */
  @Override
  public Outcome setup(Map<String, Long> balances) {
    TxnRequest.Builder txn = TxnRequest.newBuilder();
    for (Map.Entry<String, Long> account : balances.entrySet()) {
      txn.addCompares(Compare.newBuilder().setKey(utf8(account.getKey()))
          .setOp(CompareOp.COMPARE_OP_EQUAL).setCreateRevision(0));
      txn.addSuccess(put(account.getKey(), Long.toString(account.getValue())));
    }
    txn.addFailure(TxnOp.newBuilder().setRange(accountsRange()));
    TxnResponse response;
    try {
      response = txn(txn.build());
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
    if (response.getSucceeded()) {
      return Outcome.ok(null);
    }
    List<TxnOpResult> results = response.getResultsList();
    if (results.size() != 1 || !results.get(0).hasRange()) {
      return Outcome.fail("setup found accounts, and the node's answer holds no range of them: "
          + response);
    }
    Map<String, Long> found = new HashMap<>();
    for (KeyValue kv : results.get(0).getRange().getKvsList()) {
      Optional<Long> balance = balance(kv);
      if (balance.isEmpty() || kv.getVersion() != kv.getCreateRevision()) {
        return Outcome.fail("setup found " + kv.getKey().toStringUtf8() + " already written: "
            + kv.getValue().toStringUtf8() + " at version " + kv.getVersion());
      }
      found.put(kv.getKey().toStringUtf8(), balance.get());
    }
    return found.equals(balances) ? Outcome.ok(null)
        : Outcome.fail("setup found other accounts: " + found);
  }

  /**
   * One linearizable {@code Range} of the accounts' prefix: every account of one state, with
   * the applied index the reply names. A read changes nothing, so any error is a fail. A reply
   * that needs a second page is a fail too: pages are not of one state, and a handful of
   * accounts always fits in one.
   */
  @Override
  public BankRead<Accounts> readAccounts() {
    RangeResponse response;
    try {
      response = client.range(accountsRange().build());
    } catch (PensieveException e) {
      return BankRead.fail(e.getMessage());
    }
    if (response.getMore()) {
      return BankRead.fail("the accounts did not fit in one range reply ("
          + response.getKvsCount() + " returned)");
    }
    Map<String, Accounts.Account> accounts = new HashMap<>();
    for (KeyValue kv : response.getKvsList()) {
      Optional<Long> balance = balance(kv);
      if (balance.isEmpty()) {
        return BankRead.fail(kv.getKey().toStringUtf8() + " holds no balance: "
            + kv.getValue().toStringUtf8());
      }
      accounts.put(kv.getKey().toStringUtf8(),
          new Accounts.Account(balance.get(), kv.getVersion()));
    }
    return BankRead.ok(new Accounts(accounts, response.getAppliedIndex()));
  }

  /**
   * One transaction: if both accounts are still at the versions of {@code basis} (the last read
   * of this client), put both new balances, computed from {@code basis}, and the transfer's
   * marker, all at one revision. An answer {@code succeeded = false} means a compare failed and
   * nothing was written: a definite fail, {@link Outcome#compareFailed}. An error is mapped as
   * for any write: fail when the error table says not applied (or nothing was sent), info when
   * the outcome is unknown (a deadline passed, the connection broke after sending,
   * {@code unknown_outcome}).
   */
  @Override
  public Outcome transfer(Transfer transfer, Accounts basis) {
    Accounts.Account from = basis.accounts().get(transfer.from());
    Accounts.Account to = basis.accounts().get(transfer.to());
    if (from == null || to == null) {
      return Outcome.fail("the basis read has no account " + (from == null ? transfer.from()
          : transfer.to()) + ": nothing sent");
    }
    TxnRequest request = TxnRequest.newBuilder()
        .addCompares(versionIs(transfer.from(), from.version()))
        .addCompares(versionIs(transfer.to(), to.version()))
        .addSuccess(put(transfer.from(), Long.toString(from.balance() - transfer.amount())))
        .addSuccess(put(transfer.to(), Long.toString(to.balance() + transfer.amount())))
        .addSuccess(put(BankKeys.marker(transfer.id()), transfer.amount() + " from "
            + transfer.from() + " to " + transfer.to()))
        .build();
    try {
      return txn(request).getSucceeded() ? Outcome.ok(null) : Outcome.compareFailed();
    } catch (PensieveException e) {
      return Outcome.writeFailed(e);
    }
  }

  /**
   * Linearizable {@code Range}s of the markers' prefix, keys only, page after page
   * ({@code key = next_key} while {@code more}). Pages are not one snapshot; the final read
   * ({@code RecordingBankClient.readFinal}) makes sure no transfer applied meanwhile. Any error
   * is a fail, as for every read.
   */
  @Override
  public BankRead<Markers> readMarkers() {
    List<String> ids = new ArrayList<>();
    ByteString from = MARKERS;
    for (int page = 0; page < MAX_MARKER_PAGES; page++) {
      RangeResponse response;
      try {
        response = client.range(RangeRequest.newBuilder().setKey(from).setRangeEnd(MARKERS_END)
            .setKeysOnly(true).setLimit(markersPerPage).build());
      } catch (PensieveException e) {
        return BankRead.fail(e.getMessage());
      }
      for (KeyValue kv : response.getKvsList()) {
        ids.add(kv.getKey().toStringUtf8().substring(BankKeys.MARKERS.length()));
      }
      if (!response.getMore()) {
        return BankRead.ok(new Markers(ids));
      }
      if (ByteString.unsignedLexicographicalComparator().compare(response.getNextKey(), from)
          <= 0) {
        return BankRead.fail("marker page at " + from.toStringUtf8() + " says more from "
            + response.getNextKey().toStringUtf8() + ", which is not past it");
      }
      from = response.getNextKey();
    }
    return BankRead.fail("more than " + MAX_MARKER_PAGES + " pages of markers");
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public String api() {
    return "grpc";
  }

  @Override
  public void close() {
    // the client belongs to the cluster
  }

  private TxnResponse txn(TxnRequest request) {
    return client.call(KVGrpc.getTxnMethod(), request, true);
  }

  private static RangeRequest.Builder accountsRange() {
    return RangeRequest.newBuilder().setKey(ACCOUNTS).setRangeEnd(ACCOUNTS_END);
  }

  private static Compare versionIs(String key, long version) {
    return Compare.newBuilder().setKey(utf8(key)).setOp(CompareOp.COMPARE_OP_EQUAL)
        .setVersion(version).build();
  }

  private static TxnOp put(String key, String value) {
    return TxnOp.newBuilder().setPut(PutRequest.newBuilder().setKey(utf8(key))
        .setValue(utf8(value)).setTtlMillis(0)).build();
  }

  private static Optional<Long> balance(KeyValue kv) {
    try {
      return Optional.of(Long.parseLong(kv.getValue().toStringUtf8()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }
}
