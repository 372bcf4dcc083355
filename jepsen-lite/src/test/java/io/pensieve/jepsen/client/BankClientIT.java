package io.pensieve.jepsen.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.cluster.BuiltTree;
import io.pensieve.jepsen.cluster.LocalCluster;
import io.pensieve.jepsen.cluster.NodeProcess;
import io.pensieve.jepsen.history.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PensieveBankClient} against a real 3-node cluster: each call's answer as the bank
 * workload reads it, through a follower as well as the leader.
 */
class BankClientIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Map<String, Long> INITIAL = new TreeMap<>(Map.of(
      BankKeys.account(0), 10L, BankKeys.account(1), 20L, BankKeys.account(2), 30L));

  private LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void setupTransfersAndReadsMapOntoTxnAndRange(@TempDir Path dir) throws Exception {
    BuiltTree.assumePackaged();
    cluster = LocalCluster.start(3, dir, BuiltTree.nodeLauncher(), Optional.empty());
    // as long as a run waits for its cluster (TestRun), for a machine loaded by builds
    Awaitility.await().atMost(Duration.ofMinutes(3)).until(cluster::healthy);
    BankClient first = client(cluster.nodes().get(0));
    BankClient other = client(cluster.nodes().get(1));

    assertThat(first.setup(INITIAL).type()).isEqualTo(EventType.OK);
    // a setup sent again (its first answer lost) finds its own accounts untouched: ok
    assertThat(other.setup(INITIAL).type()).isEqualTo(EventType.OK);
    // but not accounts with other balances
    Outcome otherBalances = other.setup(Map.of(BankKeys.account(0), 99L));
    assertThat(otherBalances.type()).isEqualTo(EventType.FAIL);
    assertThat(otherBalances.error()).contains("setup found other accounts");

    Accounts basis = other.readAccounts().value().orElseThrow();
    assertThat(basis.balances()).isEqualTo(INITIAL);
    assertThat(basis.appliedIndex()).isPositive();

    Transfer move = new Transfer("t0-1", BankKeys.account(2), BankKeys.account(0), 5);
    assertThat(other.transfer(move, basis).type()).isEqualTo(EventType.OK);
    // the same basis is stale now: the version compare fails, nothing is written
    Transfer stale = new Transfer("t0-2", BankKeys.account(1), BankKeys.account(2), 3);
    assertThat(first.transfer(stale, basis)).isEqualTo(Outcome.compareFailed());

    Accounts after = first.readAccounts().value().orElseThrow();
    assertThat(after.balances()).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        BankKeys.account(0), 15L, BankKeys.account(1), 20L, BankKeys.account(2), 25L)));
    assertThat(after.appliedIndex()).isGreaterThan(basis.appliedIndex());
    // both accounts of the transfer were written at one revision
    assertThat(after.accounts().get(BankKeys.account(0)).version())
        .isEqualTo(after.accounts().get(BankKeys.account(2)).version())
        .isGreaterThan(basis.accounts().get(BankKeys.account(2)).version());
    assertThat(first.readMarkers().value().orElseThrow().transferIds()).containsExactly("t0-1");
    assertThat(other.readMarkers().value().orElseThrow().transferIds()).containsExactly("t0-1");

    // markers are read page after page, each seen once
    for (int i = 2; i <= 5; i++) {
      Accounts now = first.readAccounts().value().orElseThrow();
      Transfer next = new Transfer("t0-" + (i + 1), BankKeys.account(1), BankKeys.account(0), 1);
      assertThat(first.transfer(next, now).type()).isEqualTo(EventType.OK);
    }
    NodeProcess follower = cluster.nodes().get(2);
    BankClient pages = new PensieveBankClient(cluster.client(follower, DEADLINE), follower.id(),
        2);
    assertThat(pages.readMarkers().value().orElseThrow().transferIds())
        .containsExactly("t0-1", "t0-3", "t0-4", "t0-5", "t0-6");
    assertThat(pages.readAccounts().value().orElseThrow().balances().values().stream()
        .mapToLong(Long::longValue).sum()).isEqualTo(60);
  }

  private BankClient client(NodeProcess node) {
    return new PensieveBankClient(cluster.client(node, DEADLINE), node.id());
  }
}
